"""Triggers: CREATE/DROP/ALTER TRIGGER and firing them around INSERT, UPDATE, DELETE and TRUNCATE."""
