-- Built-in data types: range types, 'infinity' dates and timestamps, money, inet/cidr, macaddr,
-- void. Values are compared as text (drivers map ranges and network types to their own classes).

-- range input and output: canonical discrete ranges, empty, infinite bounds
SELECT '[1,5)'::int4range::text, '(1,5]'::int4range::text, '[1,5]'::int4range::text, '(1,2)'::int4range::text;
SELECT 'empty'::int4range::text, '(,5]'::int8range::text, '[,]'::int4range::text, '[1.5,2.5]'::numrange::text;
SELECT '[2024-01-01,2024-01-31]'::daterange::text, '["2024-01-01 10:00","2024-01-01 12:00")'::tsrange::text;
SELECT '[2024-01-01 10:00+02,)'::tstzrange::text, '(,)'::numrange::text;
SELECT '[5,1)'::int4range; -- error 22000
SELECT '[1,5'::int4range; -- error 22P02
SELECT '1,5)'::int4range; -- error 22P02
SELECT '[1,5,6)'::int4range; -- error 22P02
SELECT '[a,5)'::int4range; -- error 22P02

-- constructors
SELECT int4range(1, 5)::text, int4range(1, 5, '[]')::text, int4range(1, 5, '()')::text, int4range(NULL, 5)::text;
SELECT int8range(10, NULL, '(]')::text, numrange(1.25, 2)::text, daterange('2024-01-01', '2024-02-01', '[]')::text;
SELECT tsrange('2024-01-01 10:00', '2024-01-01 11:00')::text, int4range(3, 3)::text, int4range(3, 3, '[]')::text;
SELECT int4range(1, 5, 'x'); -- error 42601
SELECT int4range(5, 1); -- error 22000
SELECT int4range(2147483647, NULL, '(]'); -- error 22003

-- functions
SELECT lower(int4range(1, 5)), upper(int4range(1, 5, '[]')), lower('(,5)'::int4range), upper('empty'::int4range);
SELECT isempty('empty'::int4range), isempty(int4range(1, 2)), lower_inc('[1,2)'::int4range), upper_inc('[1,2]'::numrange);
SELECT lower_inf('(,2)'::int4range), upper_inf('[1,)'::int4range), lower_inf('empty'::int4range);
SELECT range_merge(int4range(1, 2), int4range(5, 6))::text, range_merge('empty'::int4range, int4range(1, 2))::text;

-- operators
SELECT int4range(1, 5) @> 3, int4range(1, 5) @> 5, 3 <@ int4range(1, 5), int4range(1, 5) @> int4range(2, 3);
SELECT int4range(2, 3) <@ int4range(1, 5), numrange(1.5, 2.5) @> 2.0, int4range(1, 5) @> 'empty'::int4range;
SELECT int4range(1, 5) && int4range(4, 6), int4range(1, 5) && int4range(5, 6), int4range(1, 5) << int4range(5, 6);
SELECT int4range(1, 5) >> int4range(5, 6), int4range(7, 9) >> int4range(1, 5), int4range(1, 5) &< int4range(4, 6);
SELECT int4range(1, 5) &> int4range(0, 6), int4range(1, 5) -|- int4range(5, 6), numrange(1, 2) -|- numrange(2, 3, '(]');
SELECT numrange(1, 2, '[]') -|- numrange(2, 3, '[]'), 'empty'::int4range -|- int4range(1, 2);
SELECT (int4range(1, 5) + int4range(5, 8))::text, (int4range(1, 5) * int4range(3, 9))::text;
SELECT (int4range(1, 5) - int4range(3, 9))::text, (int4range(1, 9) - int4range(0, 3))::text, (int4range(1, 5) * int4range(7, 9))::text;
SELECT int4range(1, 5) + int4range(7, 9); -- error 22000
SELECT int4range(1, 9) - int4range(3, 4); -- error 22000
SELECT int4range(1, 5) = int4range(1, 4, '[]'), int4range(1, 5) < int4range(2, 3), 'empty'::int4range < int4range(1, 2);
SELECT int4range(NULL, 3) < int4range(1, 3), int4range(1, 3) < int4range(1, 4), int4range(1, 5) <> int4range(1, 5);
SELECT int4range(1, 5) @> 3::bigint; -- error 42883
SELECT 'x'::int4multirange; -- error 22P02

-- range columns, order, containment queries
CREATE TABLE bookings (id int PRIMARY KEY, room text, during tsrange, nights daterange);
INSERT INTO bookings VALUES (1, 'a', '[2024-01-01 14:00, 2024-01-03 10:00)', '[2024-01-01,2024-01-03)'), (2, 'a', '[2024-01-05 14:00, 2024-01-06 10:00)', '[2024-01-05,2024-01-06)'), (3, 'b', 'empty', 'empty'), (4, 'b', '[2024-01-02 00:00,)', '[2024-01-02,)');
SELECT id, during::text AS t FROM bookings ORDER BY during;
SELECT id FROM bookings WHERE during @> '2024-01-02 12:00'::timestamp ORDER BY id;
SELECT id FROM bookings WHERE nights && daterange('2024-01-04', '2024-01-10') ORDER BY id;
SELECT id, upper(nights) - lower(nights) AS n FROM bookings WHERE NOT isempty(nights) AND NOT upper_inf(nights) ORDER BY id;
SELECT room, count(*) FROM bookings GROUP BY room ORDER BY room;
SELECT DISTINCT nights::text FROM bookings WHERE isempty(nights);
SELECT pg_typeof(during)::text, pg_typeof(int4range(1, 2))::text, format_type('int8range'::regtype, NULL) FROM bookings LIMIT 1;
CREATE TABLE spans (r int4range PRIMARY KEY);
INSERT INTO spans VALUES ('[1,5)'), ('[1,3)'), ('empty'), ('(,2)'), ('[0,)');
SELECT r::text AS t FROM spans ORDER BY r;
SELECT r::text AS t FROM spans WHERE r > '[1,3)' ORDER BY r DESC;
INSERT INTO spans VALUES ('[1,4]'); -- error 23505

-- 'infinity' dates and timestamps
SELECT 'infinity'::date::text, '-infinity'::date::text, 'Infinity'::timestamp::text, ' -infinity '::timestamptz::text;
SELECT '+infinity'::date; -- error 22007
SELECT 'infinity'::date > '9999-12-31'::date, '-infinity'::timestamp < '0001-01-01 00:00'::timestamp, 'infinity'::date = 'infinity'::date;
SELECT isfinite('infinity'::date), isfinite('-infinity'::timestamp), isfinite('infinity'::timestamptz), isfinite('2024-01-01'::date);
SELECT ('infinity'::timestamp + interval '1 day')::text, ('-infinity'::date + 7)::text, ('infinity'::date + interval '1 month')::text;
SELECT ('-infinity'::timestamptz - interval '1 hour')::text, date_trunc('day', 'infinity'::timestamp)::text;
SELECT 'infinity'::date - '2024-01-01'::date; -- error 22008
SELECT 'infinity'::timestamp - '2024-01-01'::timestamp; -- error 22008
SELECT 'infinity'::date::timestamp::text, '-infinity'::timestamp::timestamptz::text, 'infinity'::timestamptz::date::text, 'infinity'::timestamp::time;
SELECT extract(year FROM 'infinity'::timestamp), extract(epoch FROM '-infinity'::timestamptz), extract(month FROM 'infinity'::date);
SELECT date_part('year', '-infinity'::date), date_part('hour', 'infinity'::timestamp), to_char('infinity'::timestamp, 'YYYY');
SELECT extract(hour FROM 'infinity'::date); -- error 0A000
CREATE TABLE validity (id int PRIMARY KEY, valid_from date, valid_to timestamptz);
INSERT INTO validity VALUES (1, '-infinity', 'infinity'), (2, '2024-01-01', '2024-06-01 00:00+00'), (3, 'infinity', '-infinity');
SELECT id, valid_from::text AS f, valid_to::text AS t FROM validity ORDER BY valid_from;
SELECT id FROM validity WHERE valid_to > now() ORDER BY id;
SELECT min(valid_from)::text, max(valid_to)::text FROM validity;
SELECT daterange('-infinity', 'infinity', '[]')::text, daterange(NULL, 'infinity')::text;

-- money (lc_monetary C)
SELECT '12.34'::money::text, '$1,234.56'::money::text, '-1.5'::money::text, '(3.00)'::money::text, '1.005'::money::text;
SELECT 12.345::money::text, 5::money::text, 7::bigint::money::text, '$1,000.50'::money::numeric;
SELECT 'abc'::money; -- error 22P02
SELECT '92233720368547758.08'::money; -- error 22003
SELECT ('1.50'::money + '2.25'::money)::text, ('1'::money - '2.25'::money)::text, ('1.25'::money * 3)::text;
SELECT ('1.25'::money * 1.5)::text, (2 * '1.25'::money)::text, ('10'::money / 3)::text, ('10'::money / 4.0)::text;
SELECT '10'::money / '4'::money, '1'::money < '2'::money, '2'::money = '2.00'::money;
SELECT '1'::money / 0; -- error 22012
SELECT '1'::money + 1; -- error 42883
CREATE TABLE payments (id int PRIMARY KEY, amount money);
INSERT INTO payments VALUES (1, 12.5), (2, '$1,000'), (3, 7), (4, NULL);
SELECT id, amount::text AS a FROM payments ORDER BY amount NULLS FIRST;
SELECT sum(amount)::text, max(amount)::text, min(amount)::text, count(amount) FROM payments;

-- inet and cidr
SELECT '10/8'::inet::text, '10.1.2.3'::inet::text, host('10.1.2.3/24'::inet), '::1'::inet::text, '2001:db8::1/64'::inet::text;
SELECT abbrev('::ffff:1.2.3.4'::inet), '10'::cidr::text, '128.1'::cidr::text, '192.168.1'::cidr::text, '2001:db8::/32'::cidr::text;
SELECT '10.1'::inet; -- error 22P02
SELECT '10.1.2.3/8'::cidr; -- error 22P02
SELECT '1.2.3.4/33'::inet; -- error 22P02
SELECT 'x'::cidr; -- error 22P02
SELECT abbrev('10.1.0.0/16'::inet), abbrev('10.1.0.0/16'::cidr), abbrev('10.0.0.0/8'::cidr), abbrev('1.2.3.4/32'::inet);
SELECT host('1.2.3.4/24'::inet), text('1.2.3.4'::inet), network('1.2.3.4/24'::inet)::text, broadcast('1.2.3.4/24'::inet)::text;
SELECT netmask('1.2.3.4/24'::inet)::text, hostmask('1.2.3.4/24'::inet)::text, masklen('1.2.3.4/24'), family('::1'::inet), family('1.2.3.4');
SELECT set_masklen('1.2.3.4/24'::inet, 16)::text, set_masklen('1.2.3.0/24'::cidr, 16)::text, set_masklen('1.2.3.4'::inet, 33); -- error 22023
SELECT ('1.2.3.4'::inet + 300)::text, ('1.2.3.4'::inet - 5)::text, '1.2.3.4'::inet - '1.2.3.0'::inet, (~'1.2.3.4'::inet)::text;
SELECT ('1.2.3.4'::inet & '255.255.0.0'::inet)::text, ('1.2.3.4'::inet | '0.0.0.255'::inet)::text, ('255.255.255.255'::inet + 1); -- error 22003
SELECT '1.2.3.4'::inet << '1.2.3.0/24'::inet, '1.2.3.0/24'::inet << '1.2.3.0/24'::inet, '1.2.3.0/24'::inet <<= '1.2.3.0/24'::inet;
SELECT '1.2.3.0/24'::cidr >> '1.2.3.4'::inet, '1.2.3.0/24'::cidr >>= '1.2.3.0/24'::inet, '1.2.3.0/24'::inet && '1.2.0.0/16'::inet;
SELECT '1.2.3.0/24'::inet && '1.2.4.0/24'::inet, '::1'::inet << '::/0'::cidr, '1.2.3.4'::inet << '::/0'::cidr;
SELECT inet_same_family('1.2.3.4', '::1'), inet_merge('1.2.3.4/24', '1.2.4.5/24')::text, '::1'::inet > '255.255.255.255'::inet;
SELECT '1.2.3.4'::inet::text, '10'::cidr::text, '1.2.3.4/24'::inet::cidr::text, '10/8'::cidr::inet::text, '1.2.3.4'::inet::varchar;
SELECT '10.0.0.0/8'::inet < '10.0.0.0/16'::inet, '10.128.0.0/8'::inet < '10.1.0.0/16'::inet, '10.0.0.1'::inet > '9.255.255.255'::inet;
CREATE TABLE hosts (addr inet PRIMARY KEY, net cidr, mac macaddr);
INSERT INTO hosts VALUES ('10.0.0.1', '10/8', '08:00:2b:01:02:03'), ('9.0.0.1/16', '9.0/16', '08-00-2b-01-02-04'), ('::1', '::/0', NULL), ('10.0.0.0/8', '10.0.0.0/24', '0800.2b01.0205');
SELECT addr::text AS a, net::text AS n, mac::text AS m FROM hosts ORDER BY addr;
SELECT addr::text AS a FROM hosts WHERE addr <<= '10.0.0.0/8' ORDER BY addr DESC;
SELECT addr::text AS a FROM hosts WHERE addr > '9.255.0.0' ORDER BY addr;
SELECT count(*) FROM hosts WHERE net >> addr;
INSERT INTO hosts VALUES ('10.0.0.1/32', NULL, NULL); -- error 23505

-- macaddr and macaddr8
SELECT '08:00:2b:01:02:03'::macaddr::text, '08-00-2b-01-02-03'::macaddr::text, '08002b:010203'::macaddr::text;
SELECT '0800.2b01.0203'::macaddr::text, '08002b010203'::macaddr::text, ' 08:00:2B:01:02:03 '::macaddr::text;
SELECT '08:00:2b:01:02'::macaddr; -- error 22P02
SELECT trunc('08:00:2b:01:02:03'::macaddr)::text, '08:00:2b:01:02:03'::macaddr > '08:00:2b:01:02:02'::macaddr;
SELECT '08:00:2b:01:02:03:04:05'::macaddr8::text, '08:00:2b:01:02:03'::macaddr8::text, trunc('08:00:2b:01:02:03:04:05'::macaddr8)::text;
SELECT macaddr8_set7bit('00:00:2b:01:02:03:04:05')::text, '08:00:2b:01:02:03'::macaddr::macaddr8::text;
SELECT '08:00:2b:ff:fe:01:02:03'::macaddr8::macaddr::text, '08:00:2b:01:02:03:04:05'::macaddr8::macaddr; -- error 22003
SELECT (~'08:00:2b:01:02:03'::macaddr)::text, ('08:00:2b:01:02:03'::macaddr & 'ff:ff:ff:00:00:00')::text;

-- void
SELECT pg_sleep(0), pg_typeof(pg_sleep(0))::text;
SELECT typname, typlen, typtype, typcategory FROM pg_type WHERE oid IN ('void'::regtype, 'int4range'::regtype, 'money'::regtype, 'cidr'::regtype, 'macaddr8'::regtype) ORDER BY oid;
SELECT format_type('int4range'::regtype, NULL), format_type('cidr'::regtype, NULL), format_type('macaddr'::regtype, NULL), format_type('tstzrange'::regtype, NULL);

-- the types inside json, records, arrays and text
SELECT to_json('infinity'::date)::text, to_json(int4range(1, 5))::text, to_json('1.2.3.4'::inet)::text, to_json('1'::money)::text;
SELECT to_jsonb('-infinity'::timestamptz)::text, json_agg(x)::text FROM (VALUES ('1.2.3.4'::inet), ('10/8')) v(x);
SELECT row(x, int4range(1, 3), 'infinity'::date)::text, row_to_json(row(x, 'infinity'::timestamp, '08:00:2b:01:02:03'::macaddr))::jsonb::text FROM (VALUES ('1.2.3.4'::inet)) v(x);
SELECT array_agg(r ORDER BY r)::text FROM (VALUES (int4range(1, 2)), ('empty'), ('(,1)')) v(r);
SELECT 'x' || int4range(1, 2), concat(int4range(1, 2), '10/8'::cidr, '1'::money), format('%s %s', 'infinity'::date, '1.2.3.4'::inet);

-- multiranges
SELECT '{}'::int4multirange::text, '{[1,3), [2,5), [7,9], empty}'::int4multirange::text, '{[1.5,2], (2,3)}'::nummultirange::text;
SELECT ' { [2024-01-01,2024-01-05) } '::datemultirange::text, '{(,5), [7,)}'::int8multirange::text, '{["2024-01-01 10:00",)}'::tsmultirange::text;
SELECT '{[1,2) x}'::int4multirange; -- error 22P02
SELECT '{[1,2),}'::int4multirange; -- error 22P02
SELECT '{[1,2)} x'::int4multirange; -- error 22P02
SELECT int4multirange()::text, int4multirange(int4range(1, 3), int4range(5, 6), int4range(2, 4))::text, multirange(int4range(1, 2))::text;
SELECT int4multirange(int4range(1, 2), NULL); -- error 22004
SELECT range_agg(r)::text, range_intersect_agg(r)::text FROM (VALUES (int4range(1, 3)), (int4range(2, 5)), (int4range(7, 9))) v(r);
SELECT range_agg(r)::text FROM (VALUES (int4range(1, 3))) v(r) WHERE false;
SELECT '{[1,3),[5,7)}'::int4multirange @> 2, '{[1,3),[5,7)}'::int4multirange @> int4range(5, 6), '{[1,3),[5,7)}'::int4multirange @> int4range(2, 6);
SELECT '{[1,3),[5,7)}'::int4multirange && int4range(3, 5), 6 <@ '{[1,3),[5,7)}'::int4multirange, int4range(1, 3) <@ '{[1,3),[5,7)}'::int4multirange;
SELECT ('{[1,3),[5,7)}'::int4multirange + '{[3,4)}')::text, ('{[1,3),[5,7)}'::int4multirange * '{[2,6)}')::text, ('{[1,10)}'::int4multirange - '{[3,4),[6,7)}')::text;
SELECT lower('{[1,3),[5,7)}'::int4multirange), upper('{[1,3),[5,7)}'::int4multirange), isempty('{}'::int4multirange), range_merge('{[1,3),[5,7)}'::int4multirange)::text;
SELECT '{[1,3)}'::int4multirange = '{[1,2],[2,3)}'::int4multirange, '{[1,3)}'::int4multirange < '{[1,3),[4,5)}'::int4multirange, '{}'::int4multirange < '{[1,2)}'::int4multirange;
SELECT int4range(1, 3)::int4multirange::text, format_type('int4multirange'::regtype, NULL), pg_typeof('{}'::datemultirange)::text;
CREATE TABLE shifts (id int PRIMARY KEY, hours int4multirange);
INSERT INTO shifts VALUES (1, '{[9,12),[13,17)}'), (2, '{}'), (3, '{[9,12)}');
SELECT id, hours::text AS h FROM shifts ORDER BY hours;
SELECT id FROM shifts WHERE hours @> 14 ORDER BY id;
SELECT range_agg(hours)::text FROM shifts;
