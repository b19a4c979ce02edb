"""Operations commands of `orbitdb` (check, stats, ...): above orbitdb.sql, below orbitdb.cli."""
