"""Operations commands above the SQL layer: backup, restore and clones of data directories
(`orbitdb backup`, `orbitdb restore`, `orbitdb clone`; docs/operations.md)."""
