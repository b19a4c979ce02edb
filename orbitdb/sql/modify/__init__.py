"""Row changes (INSERT, UPDATE, DELETE, COPY FROM) with their constraints and row locks, and the
compilation of queries and row changes that other statements nest."""
