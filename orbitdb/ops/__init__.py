"""Operations: commands and services around a data directory (check, stats, metrics, backup,
restore, clone), above orbitdb.sql and below orbitdb.cli."""
