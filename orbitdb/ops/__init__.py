"""Operations: commands and services around a data directory (check, stats, metrics, backup, ...),
above orbitdb.sql and below orbitdb.cli."""
