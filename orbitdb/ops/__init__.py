"""Operations: commands and services around a data directory (above orbitdb.sql, below orbitdb.cli)."""
