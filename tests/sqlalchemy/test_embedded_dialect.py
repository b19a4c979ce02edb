"""create_engine("orbitdb:///dir"): SQLAlchemy's ORM, Core, reflection, isolation levels and pandas
on the embedded database, no server; the same models also run against PostgreSQL 15 to compare."""

from __future__ import annotations

import datetime
import decimal
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import (
    ForeignKey,
    MetaData,
    Numeric,
    String,
    create_engine,
    func,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, INTERVAL, JSONB, UUID
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload

import orbitdb.sqlalchemy_dialect

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent.parent


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    books: Mapped[list[Book]] = relationship(back_populates="author", cascade="all, delete-orphan",
                                             order_by="Book.id")


class Book(Base):
    __tablename__ = "book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    price: Mapped[decimal.Decimal] = mapped_column(Numeric(8, 2))
    tags: Mapped[list[str]] = mapped_column(ARRAY(String), default=list)
    meta: Mapped[dict] = mapped_column(JSONB, default=dict)
    ref: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), default=uuid.uuid4)
    loan: Mapped[datetime.timedelta | None] = mapped_column(INTERVAL)
    author_id: Mapped[int] = mapped_column(ForeignKey("author.id", ondelete="CASCADE"))
    author: Mapped[Author] = relationship(back_populates="books")


def _library(engine: Engine) -> list[tuple[object, ...]]:
    """The same ORM session work on any engine; what it reads back."""
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        ursula = Author(name="Ursula", books=[
            Book(title="Earthsea", price=decimal.Decimal("9.50"), tags=["fantasy"], meta={"pages": 200},
                 loan=datetime.timedelta(days=14)),
            Book(title="Dispossessed", price=decimal.Decimal("12.25"), tags=["sf", "utopia"]),
        ])
        session.add_all([ursula, Author(name="Iain", books=[Book(title="Excession", price=decimal.Decimal(8))])])
        session.commit()
        session.get(Author, ursula.id).books[1].price += 1  # type: ignore[union-attr]
        session.commit()
        session.delete(session.scalars(select(Author).where(Author.name == "Iain")).one())
        session.commit()
    with Session(engine) as session:
        authors = session.scalars(select(Author).options(selectinload(Author.books)).order_by(Author.id)).all()
        rows = [(a.name, b.title, b.price, b.tags, b.meta, b.loan, isinstance(b.ref, uuid.UUID))
                for a in authors for b in a.books]
        rows.append(tuple(session.execute(select(func.count(Book.id), func.sum(Book.price))).one()))
        return rows


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    created = create_engine(f"orbitdb:///{tmp_path / 'db'}")
    yield created
    created.dispose()


def test_the_entry_point_names_the_dialect() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]
    module, _, name = declared["sqlalchemy.dialects"]["orbitdb"].partition(":")
    assert module == orbitdb.sqlalchemy_dialect.__name__
    assert getattr(orbitdb.sqlalchemy_dialect, name) is orbitdb.sqlalchemy_dialect.OrbitdbDialect


def test_the_url_names_the_directory(tmp_path: Path) -> None:
    engine = create_engine(f"orbitdb:///{tmp_path / 'made'}")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1 + 1")).scalar() == 2
        assert engine.dialect.name == "postgresql" and engine.dialect.driver == "orbitdb"
    engine.dispose()
    assert (tmp_path / "made").is_dir()


@pytest.mark.parametrize("url", ["orbitdb://host:5432/db", "orbitdb:///x?sslmode=require", "orbitdb://"])
def test_a_url_that_is_no_directory_is_refused(url: str) -> None:
    with pytest.raises(ArgumentError):
        create_engine(url).connect()


def test_orm_session_matches_postgres(engine: Engine, postgres_url: str) -> None:
    reference = create_engine(postgres_url)
    try:
        assert _library(engine) == _library(reference)
    finally:
        reference.dispose()


def test_orm_results(engine: Engine) -> None:
    rows = _library(engine)
    assert rows[0][:6] == ("Ursula", "Earthsea", decimal.Decimal("9.50"), ["fantasy"], {"pages": 200},
                           datetime.timedelta(days=14))
    assert rows[1][2] == decimal.Decimal("13.25")
    assert rows[-1] == (2, decimal.Decimal("22.75"))


def test_constraint_errors_and_rollback(engine: Engine) -> None:
    _library(engine)
    with Session(engine) as session:
        session.add(Author(name="Ursula"))
        with pytest.raises(IntegrityError) as caught:
            session.commit()
        assert caught.value.orig.sqlstate == "23505"  # type: ignore[union-attr]
        session.rollback()
        assert session.scalar(select(func.count(Author.id))) == 1


def test_reflection(engine: Engine) -> None:
    _library(engine)
    inspector = inspect(engine)
    assert inspector.get_pk_constraint("book")["constrained_columns"] == ["id"]
    assert [i["column_names"] for i in inspector.get_indexes("author")] == [["name"]]
    (fk,) = inspector.get_foreign_keys("book")
    assert (fk["referred_table"], fk["options"]) == ("author", {"ondelete": "CASCADE"})
    metadata = MetaData()
    metadata.reflect(engine)
    assert sorted(metadata.tables) == ["author", "book"]


def test_isolation_levels(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="SERIALIZABLE") as connection:
        assert connection.execute(text("SHOW transaction_isolation")).scalar() == "serializable"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("CREATE TABLE kept (x int)"))
        connection.execute(text("INSERT INTO kept VALUES (1)"))
    with engine.connect() as connection:
        assert connection.execute(text("SHOW transaction_isolation")).scalar() == "read committed"
        assert connection.execute(text("SELECT x FROM kept")).scalar() == 1


def test_two_connections_see_commits_only(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n int)"))
    with engine.connect() as writer, engine.connect() as reader:
        writer.execute(text("INSERT INTO counter VALUES (7)"))
        assert reader.execute(text("SELECT count(*) FROM counter")).scalar() == 0
        writer.commit()
        reader.rollback()
        assert reader.execute(text("SELECT n FROM counter")).scalar() == 7


def test_pandas_round_trip(engine: Engine) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({
        "id": range(500),
        "name": [f"name {i}" for i in range(500)],
        "score": [i / 7 for i in range(500)],
        "seen": pandas.date_range("2024-01-01", periods=500, freq="h"),
        "flag": [i % 3 == 0 for i in range(500)],
    })
    assert frame.to_sql("frame", engine, index=False, chunksize=128) == 500
    back = pandas.read_sql("SELECT * FROM frame ORDER BY id", engine)
    pandas.testing.assert_frame_equal(back, frame)
    assert pandas.read_sql_table("frame", engine).shape == (500, 5)
