"""Parenthesized joins, `a LEFT JOIN (b JOIN c ON ...) ON ...`, as SQLAlchemy's ORM writes them for
nested joined eager loading: the same rows as PostgreSQL 15, and the same errors."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

SETUP = """
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, user_id int);
CREATE TABLE order_items (order_id int, item_id int);
CREATE TABLE items (id int PRIMARY KEY, description text);
INSERT INTO users VALUES (1, 'ann'), (2, 'bob'), (3, 'cy');
INSERT INTO orders VALUES (10, 1), (11, 1), (12, 2);
INSERT INTO order_items VALUES (10, 100), (10, 101), (11, 100), (12, 102);
INSERT INTO items VALUES (100, 'x'), (101, 'y')
"""

QUERIES = [
    # SQLAlchemy's joinedload(User.orders).joinedload(Order.items) through a secondary table
    ("SELECT users.id, orders_1.id, items_1.description FROM users JOIN orders AS orders_1 ON users.id ="
     " orders_1.user_id LEFT OUTER JOIN (order_items AS order_items_1 JOIN items AS items_1 ON items_1.id ="
     " order_items_1.item_id) ON orders_1.id = order_items_1.order_id ORDER BY 1, 2, 3"),
    ("SELECT * FROM users LEFT JOIN (orders JOIN order_items ON orders.id = order_items.order_id)"
     " ON users.id = orders.user_id ORDER BY 1, 3, 6"),
    ("SELECT users.name, items.id FROM users LEFT JOIN (orders JOIN (order_items JOIN items ON items.id ="
     " order_items.item_id) ON orders.id = order_items.order_id) ON users.id = orders.user_id ORDER BY 1, 2"),
    ("SELECT count(*), count(items.id) FROM users FULL JOIN (orders LEFT JOIN order_items ON orders.id ="
     " order_items.order_id LEFT JOIN items ON items.id = order_items.item_id) ON users.id = orders.user_id"),
    ("SELECT u.id, o.id FROM users u CROSS JOIN (orders o JOIN order_items oi ON oi.order_id = o.id)"
     " WHERE oi.item_id = 100 AND u.id = o.user_id ORDER BY 1, 2"),
]


def _run(url: str, queries: list[str]) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in SETUP.split(";"):
                connection.execute(text(statement))
        out: list[object] = []
        with engine.connect() as connection:
            for query in queries:
                out.append([tuple(row) for row in connection.execute(text(query))])
        return out
    finally:
        engine.dispose()


def test_nested_joins_match_postgres(orbitdb_url: str, postgres_url: str) -> None:
    ours = _run(orbitdb_url, QUERIES)
    assert ours == _run(postgres_url, QUERIES)
    assert ours[0] == [(1, 10, "x"), (1, 10, "y"), (1, 11, "x"), (2, 12, None)]


def test_a_name_twice_across_the_parentheses_is_refused(orbitdb_url: str) -> None:
    engine = create_engine(orbitdb_url)
    try:
        with engine.connect() as connection, pytest.raises(ProgrammingError) as caught:
            connection.execute(text("SELECT 1 FROM pg_class LEFT JOIN (pg_namespace JOIN pg_class ON true) ON true"))
        assert caught.value.orig.pgcode == "42712"  # type: ignore[union-attr]
    finally:
        engine.dispose()
