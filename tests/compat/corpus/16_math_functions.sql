-- Math functions and operators: integer, numeric and float behaviour, rounding, errors.

CREATE TABLE nums (id int PRIMARY KEY, i int, b bigint, n numeric(12,4), f double precision);
INSERT INTO nums VALUES (1, 7, 10000000000, 2.5000, 2.5), (2, -7, -3, -2.5000, -2.5), (3, 0, 0, 0, 0),
    (4, 123, 9223372036854775807, 1234.5678, 1e100), (5, NULL, NULL, NULL, NULL), (6, 2, 2, 0.0001, 0.1);

-- abs, sign, ceil, floor
SELECT abs(-5), abs(5), abs(-5.5), abs(-5.5::float8), abs(-9223372036854775807);
SELECT abs(-2147483648); -- error 22003
SELECT sign(-3), sign(0), sign(2.5), sign(-0.5::float8);
SELECT ceil(1.2), ceil(-1.2), ceiling(1.0), floor(1.8), floor(-1.8), ceil(1.2::float8), floor(-1.5::float8);
SELECT id, abs(i), abs(n), ceil(n), floor(n), sign(f) FROM nums ORDER BY id;
SELECT pg_typeof(ceil(1.5))::text, pg_typeof(ceil(1.5::float8))::text, pg_typeof(abs(1::smallint))::text;

-- round and trunc
SELECT round(2.5), round(3.5), round(-2.5), round(2.4999), round(1.23456, 2), round(1234.5, -2), round(-0.5);
SELECT round(2.5::float8), round(3.5::float8), round(-2.5::float8), round(0.5::float8), round(1.5::float8);
SELECT trunc(2.9), trunc(-2.9), trunc(1.23456, 3), trunc(1234.5, -2), trunc(2.9::float8), trunc(-2.9::float8);
SELECT id, round(n, 1), round(n), trunc(n, 2), round(f) FROM nums ORDER BY id;
SELECT round(1.23456::float8, 2); -- error 42883
SELECT round(1.23456::float8::numeric, 2), round(10.0 / 3, 5), round(2.675, 2);

-- Division and modulo
SELECT 7 / 2, -7 / 2, 7 / -2, 7 % 2, -7 % 2, 7 % -2, mod(7, 3), mod(-7, 3), div(7, 2), div(-7, 2);
SELECT 7.0 / 2, 7 / 2.0, 1 / 3.0, 2 / 3.0, 10 / 4::numeric, 1.0 / 7;
SELECT 7.5 % 2, mod(7.5, 2), -7.5 % 2, 7::float8 / 2, 1::float8 / 3;
SELECT 1 / 0; -- error 22012
SELECT 1.0 / 0; -- error 22012
SELECT 1::float8 / 0; -- error 22012
SELECT 1 % 0; -- error 22012
SELECT mod(1.5, 0); -- error 22012
SELECT div(1, 0); -- error 22012
SELECT 0 / 5, 0.0 / 5, -0.0::float8, 0::float8 / -1;
SELECT id, i / 2, i % 3, b / 3, n / 3, f / 4 FROM nums ORDER BY id;
SELECT 1::numeric / 3 * 3, 2::numeric / 3, 100::numeric / 7, 1 / 1e10;

-- Powers, roots, logarithms, exponentials
SELECT power(2, 10), power(2.0, 0.5), power(2, -1), 2 ^ 0.5;
SELECT power(2::numeric, 10), power(1.5, 2), pg_typeof(power(2, 10))::text, pg_typeof(power(2::numeric, 10))::text;
SELECT sqrt(16), sqrt(2), sqrt(2::numeric), cbrt(27), cbrt(-8), |/ 25, ||/ 64;
SELECT sqrt(-1); -- error 2201F
SELECT exp(0), exp(1), exp(1::numeric), ln(1), ln(exp(2)), ln(10::numeric);
SELECT ln(0); -- error 2201E
SELECT ln(-1); -- error 2201E
SELECT log(100), log(2, 8), log10(1000), log(1000::numeric), log(2.0, 1024);
SELECT log(0); -- error 2201E
SELECT power(0, -1); -- error 2201F
SELECT power(-1, 0.5); -- error 2201F
SELECT power(0, 0), power(0.0, 0), 0 ^ 0;
SELECT exp(1000); -- error 22003
SELECT power(10::float8, 400); -- error 22003

-- Trigonometry and constants
SELECT pi(), degrees(pi()), radians(180), sin(0), cos(0), tan(0), asin(1), acos(1), atan(1), atan2(1, 1);
SELECT sind(30), cosd(60), tand(45), round(sin(pi() / 6)::numeric, 10);
SELECT asin(2); -- error 22003

-- Integer functions
SELECT gcd(12, 18), gcd(0, 5), gcd(-12, 18), lcm(4, 6), lcm(0, 5), gcd(12.5, 5.0);
SELECT factorial(5), factorial(0), factorial(20), factorial(25);
SELECT factorial(-1); -- error 22003
SELECT width_bucket(5.35, 0.024, 10.06, 5), width_bucket(-1, 0, 10, 5), width_bucket(11, 0, 10, 5);
SELECT width_bucket(1, 0, 10, 0); -- error 2201G
SELECT min_scale(8.4100), trim_scale(8.4100), scale(8.4100), scale(1::numeric);

-- Integer overflow in arithmetic
SELECT 2147483647 + 1; -- error 22003
SELECT 2147483647::bigint + 1, 2147483647 + 1::bigint;
SELECT -2147483648 - 1; -- error 22003
SELECT 2147483647 * 2; -- error 22003
SELECT 32767::smallint + 1::smallint; -- error 22003
SELECT 9223372036854775807 + 1; -- error 22003
SELECT 9223372036854775807::numeric + 1;
SELECT -9223372036854775808::bigint; -- error 22003
SELECT (-9223372036854775807 - 1) / -1; -- error 22003
SELECT (-2147483647 - 1) / -1; -- error 22003
SELECT (-2147483647 - 1) % -1;
SELECT - (-2147483647 - 1); -- error 22003
SELECT id, b * 2 FROM nums WHERE id = 4; -- error 22003
SELECT id, b + 1 FROM nums WHERE id <> 4 ORDER BY id;
SELECT sum(b) FROM nums;
SELECT 1e308::float8 * 10; -- error 22003
SELECT 1e-308::float8 / 1e10;

-- Numeric precision and special values
SELECT 0.1 + 0.2, 1.1 * 1.1, 1e-20 + 1, 123456789012345678901234567890 + 1;
SELECT 'NaN'::numeric + 1, 'NaN'::numeric = 'NaN'::numeric, 'NaN'::float8 = 'NaN'::float8, 'NaN'::float8 > 1;
SELECT 'Infinity'::float8 + 1, '-Infinity'::float8 < 0, 'Infinity'::float8 - 'Infinity'::float8;
SELECT 1.000 * 2, 1.50 + 1.5, 2.00 / 1, 3.0 * 0, 0.000;
SELECT numeric '1.5' * 2, float8 '1.5' * 2, int '3' + 1;
SELECT random() >= 0 AND random() < 1;
SELECT setseed(0.5) IS NULL;
SELECT id, f * 2, f + 1, f - 0.5, -f FROM nums ORDER BY id;
SELECT 1e15::float8, 1e16::float8, 123456789012345.6::float8, 1e-5::float8, 0.000123::float8;
SELECT 3.0::float8 / 7, 2::float8 ^ 0.5, 10::float8 ^ -2;
SELECT 1::real / 3, 16777217::real, 0.1::real * 3;
