-- SELECT basics: WHERE, ORDER BY (ASC/DESC, NULLS FIRST/LAST, positions, aliases, expressions),
-- LIMIT/OFFSET/FETCH, DISTINCT and DISTINCT ON.

CREATE TABLE posts (
    id int PRIMARY KEY,
    author text,
    title text NOT NULL,
    score int,
    published date,
    category text
);
INSERT INTO posts VALUES
    (1, 'ann', 'Hello world', 10, '2024-01-01', 'news'),
    (2, 'ben', 'SQL tips', 25, '2024-01-03', 'tech'),
    (3, 'ann', 'More SQL', NULL, '2024-01-03', 'tech'),
    (4, 'cat', 'Cooking', 5, NULL, 'life'),
    (5, NULL, 'Anonymous', 0, '2024-02-01', NULL),
    (6, 'ben', 'Indexes', 25, '2024-02-10', 'tech'),
    (7, 'dan', 'Travel', -3, '2024-02-11', 'life'),
    (8, 'ann', 'Lists', 7, '2024-03-01', 'news'),
    (9, 'cat', 'Baking', NULL, '2024-03-02', 'life'),
    (10, 'eve', 'zebra', 1, '2024-03-03', 'Misc');

SELECT * FROM posts ORDER BY id;
SELECT id, title FROM posts WHERE author = 'ann' ORDER BY id;
SELECT id FROM posts WHERE score > 5 ORDER BY id;
SELECT id FROM posts WHERE score >= 5 AND category = 'tech' ORDER BY id;
SELECT id FROM posts WHERE score < 5 OR author IS NULL ORDER BY id;
SELECT id FROM posts WHERE NOT (score > 5) ORDER BY id;
SELECT id FROM posts WHERE score IS NULL ORDER BY id;
SELECT id FROM posts WHERE score IS NOT NULL AND published IS NULL;
SELECT id FROM posts WHERE author <> 'ann' ORDER BY id;
SELECT id FROM posts WHERE author != 'ann' ORDER BY id;
SELECT id FROM posts WHERE published > '2024-02-01' ORDER BY id;
SELECT id FROM posts WHERE id IN (1, 3, 5, 99) ORDER BY id;
SELECT id FROM posts WHERE id NOT IN (1, 3, 5) ORDER BY id;
SELECT id FROM posts WHERE author IN ('ann', NULL) ORDER BY id;
SELECT id FROM posts WHERE author NOT IN ('ann', NULL);
SELECT id FROM posts WHERE title = 'hello world';
SELECT id FROM posts WHERE true ORDER BY id DESC;
SELECT id FROM posts WHERE NULL;
SELECT id FROM posts WHERE score; -- error 42804
SELECT id FROM posts WHERE nosuch = 1; -- error 42703
SELECT nosuch FROM posts; -- error 42703
SELECT * FROM noposts; -- error 42P01

-- ORDER BY
SELECT id, score FROM posts ORDER BY score, id;
SELECT id, score FROM posts ORDER BY score DESC, id;
SELECT id, score FROM posts ORDER BY score NULLS FIRST, id;
SELECT id, score FROM posts ORDER BY score DESC NULLS LAST, id;
SELECT id, score FROM posts ORDER BY score ASC NULLS LAST, id DESC;
SELECT id, published FROM posts ORDER BY published DESC NULLS FIRST, id;
SELECT id, author FROM posts ORDER BY author, id DESC;
SELECT id, title FROM posts ORDER BY title;
SELECT id, category FROM posts ORDER BY category DESC, id;
SELECT id, title FROM posts ORDER BY lower(title);
SELECT id, score * -1 AS neg FROM posts ORDER BY neg NULLS LAST, id;
SELECT id, score FROM posts ORDER BY 2 DESC NULLS LAST, 1;
SELECT id, title FROM posts ORDER BY 3; -- error 42P10
SELECT id, title FROM posts ORDER BY length(title), title;
SELECT id FROM posts ORDER BY score IS NULL, score, id;
SELECT id, author FROM posts ORDER BY author = 'ann' DESC, id;
SELECT title AS t FROM posts ORDER BY t DESC;
SELECT title AS t FROM posts ORDER BY t || 'x' DESC; -- error 42703
SELECT id FROM posts ORDER BY published NULLS FIRST, id LIMIT 3;
SELECT id FROM posts ORDER BY nosuch; -- error 42703
SELECT author FROM posts ORDER BY id;
SELECT id, score FROM posts ORDER BY CASE WHEN category = 'tech' THEN 0 ELSE 1 END, id;

-- LIMIT / OFFSET / FETCH
SELECT id FROM posts ORDER BY id LIMIT 3;
SELECT id FROM posts ORDER BY id LIMIT 3 OFFSET 2;
SELECT id FROM posts ORDER BY id OFFSET 8;
SELECT id FROM posts ORDER BY id OFFSET 100;
SELECT id FROM posts ORDER BY id LIMIT 0;
SELECT id FROM posts ORDER BY id LIMIT ALL;
SELECT id FROM posts ORDER BY id LIMIT NULL;
SELECT id FROM posts ORDER BY id LIMIT 2 + 1;
SELECT id FROM posts ORDER BY id DESC FETCH FIRST 2 ROWS ONLY;
SELECT id FROM posts ORDER BY id OFFSET 1 ROW FETCH NEXT 1 ROW ONLY;
SELECT id FROM posts ORDER BY id LIMIT -1; -- error 2201W
SELECT id FROM posts ORDER BY id OFFSET -1; -- error 2201X
SELECT id FROM posts ORDER BY id LIMIT 'a'; -- error 22P02
SELECT count(*) FROM (SELECT id FROM posts LIMIT 4) s;

-- DISTINCT
SELECT DISTINCT author FROM posts;
SELECT DISTINCT author FROM posts ORDER BY author;
SELECT DISTINCT author FROM posts ORDER BY author NULLS FIRST;
SELECT DISTINCT category, author FROM posts ORDER BY category, author;
SELECT DISTINCT score FROM posts ORDER BY score DESC NULLS LAST;
SELECT DISTINCT published FROM posts WHERE published < '2024-02-01';
SELECT DISTINCT author FROM posts ORDER BY id; -- error 42P10
SELECT count(DISTINCT author) FROM posts;
SELECT DISTINCT upper(category) AS c FROM posts ORDER BY c NULLS LAST;
SELECT ALL author FROM posts WHERE author = 'ann';

-- DISTINCT ON
SELECT DISTINCT ON (author) author, id, title FROM posts ORDER BY author, id;
SELECT DISTINCT ON (author) author, id, score FROM posts ORDER BY author, score DESC NULLS LAST, id;
SELECT DISTINCT ON (category) category, title FROM posts ORDER BY category NULLS FIRST, title;
SELECT DISTINCT ON (category, author) category, author, id FROM posts ORDER BY category, author, id;
SELECT DISTINCT ON (author) id FROM posts ORDER BY id; -- error 42P10
SELECT DISTINCT ON (published) published, id FROM posts ORDER BY published DESC, id LIMIT 3;
SELECT DISTINCT ON (score > 5) score > 5 AS big, id FROM posts ORDER BY score > 5, id;

-- Star, qualified names and aliases
SELECT p.* FROM posts p WHERE p.id = 1;
SELECT posts.id, posts.title FROM posts WHERE posts.id = 2;
SELECT p.id FROM posts p WHERE posts.id = 2; -- error 42P01
SELECT x.id, x.t FROM (SELECT id, title AS t FROM posts) AS x WHERE x.id < 3 ORDER BY x.id;
SELECT q.a, q.b FROM posts AS q(a, b) WHERE q.a = 4;
SELECT *, id * 2 AS twice FROM posts WHERE id = 3;
SELECT id, id, id AS id FROM posts WHERE id = 1;
SELECT 1 + 2 AS three, 'lit', NULL AS nothing;
SELECT;
SELECT * FROM posts WHERE id = 1 AND id = 2;
SELECT id FROM posts WHERE (author, score) = ('ben', 25) ORDER BY id;
SELECT id FROM posts WHERE (author, score) > ('cat', 0) ORDER BY id;
SELECT id FROM posts WHERE score BETWEEN 1 AND 10 ORDER BY id;
