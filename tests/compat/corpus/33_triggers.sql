-- Triggers: CREATE/DROP/ALTER TRIGGER, BEFORE/AFTER/INSTEAD OF, row and statement level, WHEN,
-- UPDATE OF, NULL skipping a row, TG_* variables, COPY-less firing under INSERT ... SELECT,
-- ON CONFLICT and FK cascades, TRUNCATE triggers, enable/disable, constraint triggers deferred to
-- COMMIT, pg_trigger and pg_get_triggerdef, and the errors PostgreSQL gives.

CREATE TABLE item (id int PRIMARY KEY, qty int CHECK (qty < 1000), note text, updated_at int DEFAULT 0);
CREATE TABLE log (n serial PRIMARY KEY, tg text, tg_when text, lvl text, op text, tbl text, old_id int, new_id int, args text);

CREATE FUNCTION times10() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.qty := NEW.qty * 10;
  RETURN NEW;
END $$;
CREATE FUNCTION skip_negative() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.qty < 0 THEN
    RETURN NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := OLD.updated_at + 1;
  RETURN NEW;
END $$;
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    INSERT INTO log (tg, tg_when, lvl, op, tbl, old_id, new_id, args)
    VALUES (TG_NAME, TG_WHEN, TG_LEVEL, TG_OP, TG_TABLE_NAME,
            CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN OLD.id END,
            CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN NEW.id END, array_to_string(TG_ARGV, ','));
  ELSE
    INSERT INTO log (tg, tg_when, lvl, op, tbl, args)
    VALUES (TG_NAME, TG_WHEN, TG_LEVEL, TG_OP, TG_TABLE_NAME, array_to_string(TG_ARGV, ','));
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE FUNCTION not_a_trigger() RETURNS int LANGUAGE sql AS 'SELECT 1';

-- BEFORE ROW: the returned row replaces NEW; NULL skips the row
CREATE TRIGGER b_times BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION times10();
CREATE TRIGGER a_skip BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION skip_negative();
INSERT INTO item (id, qty) VALUES (1, 4), (2, -1), (3, 7) RETURNING id, qty;
INSERT INTO item (id, qty) SELECT g, g FROM generate_series(10, 12) g;
SELECT id, qty FROM item ORDER BY id;
INSERT INTO item (id, qty) VALUES (20, 500); -- error 23514
SELECT count(*) FROM item;

-- the updated_at trigger
CREATE TRIGGER set_updated BEFORE UPDATE ON item FOR EACH ROW EXECUTE FUNCTION touch();
UPDATE item SET note = 'a' WHERE id = 1 RETURNING id, note, updated_at;
UPDATE item SET note = 'b';
SELECT id, note, updated_at FROM item ORDER BY id;

-- an audit log: AFTER ROW triggers see OLD and NEW; statement triggers fire even for no rows
CREATE TRIGGER z_audit AFTER INSERT OR UPDATE OR DELETE ON item FOR EACH ROW EXECUTE FUNCTION audit('r', 1);
CREATE TRIGGER s_audit AFTER INSERT OR UPDATE OR DELETE ON item FOR EACH STATEMENT EXECUTE FUNCTION audit();
CREATE TRIGGER s_before BEFORE DELETE ON item FOR EACH STATEMENT EXECUTE FUNCTION audit('before');
INSERT INTO item (id, qty) VALUES (30, 3);
UPDATE item SET qty = qty + 1 WHERE id = 30;
DELETE FROM item WHERE id = 30;
DELETE FROM item WHERE id = -5;
SELECT tg, tg_when, lvl, op, tbl, old_id, new_id, args FROM log ORDER BY n;
DELETE FROM log;

-- WHEN and UPDATE OF
CREATE TABLE w (id int, x int, y int);
CREATE TRIGGER big AFTER UPDATE ON w FOR EACH ROW WHEN (new.x > 10) EXECUTE FUNCTION audit();
CREATE TRIGGER ofy AFTER UPDATE OF y ON w FOR EACH ROW EXECUTE FUNCTION audit();
CREATE TRIGGER changed BEFORE UPDATE ON w FOR EACH ROW WHEN (old.x IS DISTINCT FROM new.x) EXECUTE FUNCTION audit();
INSERT INTO w VALUES (1, 1, 1), (2, 20, 2);
UPDATE w SET x = x + 1;
UPDATE w SET y = y;
SELECT tg, op, old_id, new_id FROM log ORDER BY n;
DELETE FROM log;

-- ON CONFLICT: BEFORE INSERT fires, then the UPDATE triggers for the conflicting row
CREATE TABLE up (id int PRIMARY KEY, v int);
CREATE TRIGGER r_audit BEFORE INSERT OR UPDATE ON up FOR EACH ROW EXECUTE FUNCTION audit();
CREATE TRIGGER s_audit AFTER INSERT OR UPDATE ON up FOR EACH ROW EXECUTE FUNCTION audit();
INSERT INTO up VALUES (1, 1);
INSERT INTO up VALUES (1, 5) ON CONFLICT (id) DO UPDATE SET v = up.v + excluded.v;
INSERT INTO up VALUES (1, 9) ON CONFLICT (id) DO NOTHING;
SELECT * FROM up;
SELECT tg, tg_when, op, old_id, new_id FROM log ORDER BY n;
DELETE FROM log;

-- FK cascades fire the child's row triggers
CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, pid int REFERENCES parent ON DELETE CASCADE ON UPDATE SET NULL);
CREATE TRIGGER c_audit AFTER DELETE OR UPDATE ON child FOR EACH ROW EXECUTE FUNCTION audit();
INSERT INTO parent VALUES (1), (2);
INSERT INTO child VALUES (10, 1), (11, 1), (20, 2);
DELETE FROM parent WHERE id = 1;
UPDATE parent SET id = 3 WHERE id = 2;
SELECT tg, op, old_id, new_id FROM log ORDER BY old_id;
SELECT * FROM child ORDER BY id;
DELETE FROM log;

-- the order PostgreSQL fires them in: the statement's own AFTER ROW triggers, then those of the
-- rows its foreign-key actions changed, the cascaded table's statement triggers once
CREATE TABLE cp (id int PRIMARY KEY);
CREATE TABLE cc (id int, pid int REFERENCES cp ON DELETE CASCADE ON UPDATE CASCADE);
CREATE FUNCTION say() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    RAISE NOTICE '% % % % %', TG_NAME, TG_WHEN, TG_LEVEL, TG_OP, coalesce(NEW.id, OLD.id);
  ELSE
    RAISE NOTICE '% % % %', TG_NAME, TG_WHEN, TG_LEVEL, TG_OP;
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER s1 BEFORE DELETE OR UPDATE ON cc FOR EACH STATEMENT EXECUTE FUNCTION say();
CREATE TRIGGER s2 AFTER DELETE OR UPDATE ON cc FOR EACH STATEMENT EXECUTE FUNCTION say();
CREATE TRIGGER r1 AFTER DELETE OR UPDATE ON cc FOR EACH ROW EXECUTE FUNCTION say();
CREATE TRIGGER p1 AFTER DELETE OR UPDATE ON cp FOR EACH ROW EXECUTE FUNCTION say();
CREATE TRIGGER p2 BEFORE DELETE OR UPDATE ON cp FOR EACH STATEMENT EXECUTE FUNCTION say();
INSERT INTO cp VALUES (1), (2), (3);
INSERT INTO cc VALUES (10, 1), (11, 1), (20, 2);
UPDATE cp SET id = id + 100 WHERE id < 3; -- notices
DELETE FROM cp; -- notices
SELECT count(*) FROM cc;

-- partitioned tables: row triggers are cloned to the partitions and fire there; statement triggers
-- fire on the table the statement names
CREATE TABLE pt (id int, v int) PARTITION BY RANGE (id);
CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (10);
CREATE FUNCTION say2() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE '% % % % %', TG_NAME, TG_WHEN, TG_LEVEL, TG_OP, TG_TABLE_NAME;
  IF TG_LEVEL = 'ROW' AND TG_OP <> 'DELETE' THEN
    NEW.v := NEW.v * 10;
  END IF;
  RETURN coalesce(NEW, OLD);
END $$;
CREATE TRIGGER r BEFORE INSERT OR UPDATE ON pt FOR EACH ROW EXECUTE FUNCTION say2();
CREATE TRIGGER s AFTER INSERT OR UPDATE OR DELETE ON pt FOR EACH STATEMENT EXECUTE FUNCTION say2();
CREATE TRIGGER a AFTER DELETE ON pt FOR EACH ROW EXECUTE FUNCTION say2();
CREATE TABLE pt2 PARTITION OF pt FOR VALUES FROM (10) TO (20);
INSERT INTO pt VALUES (1, 1), (15, 2); -- notices
UPDATE pt SET v = v + 1; -- notices
DELETE FROM pt WHERE id = 15; -- notices
INSERT INTO pt1 VALUES (2, 2); -- notices
SELECT * FROM pt ORDER BY id;
SELECT tgname, tgrelid::regclass::text, tgparentid <> 0 FROM pg_trigger WHERE tgrelid IN ('pt'::regclass, 'pt1'::regclass, 'pt2'::regclass) ORDER BY 1, 2;
DROP TRIGGER r ON pt1; -- error 2BP01
ALTER TABLE pt DETACH PARTITION pt2;
SELECT count(*) FROM pg_trigger WHERE tgrelid = 'pt2'::regclass;
DROP TRIGGER a ON pt;
SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE tgrelid IN ('pt'::regclass, 'pt1'::regclass) ORDER BY 1, 2;

-- a BEFORE DELETE trigger returning NULL keeps the row
CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TABLE k (id int);
INSERT INTO k VALUES (1), (2);
CREATE TRIGGER keep_rows BEFORE DELETE ON k FOR EACH ROW WHEN (old.id = 1) EXECUTE FUNCTION keep();
DELETE FROM k;
SELECT * FROM k;

-- TRUNCATE triggers, disabled triggers
CREATE TABLE tr (id int);
CREATE TRIGGER tb BEFORE TRUNCATE ON tr FOR EACH STATEMENT EXECUTE FUNCTION audit();
CREATE TRIGGER ta AFTER TRUNCATE ON tr EXECUTE FUNCTION audit();
CREATE TRIGGER ti AFTER INSERT ON tr FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE tr DISABLE TRIGGER ti;
INSERT INTO tr VALUES (1);
TRUNCATE tr;
ALTER TABLE tr ENABLE TRIGGER ALL;
INSERT INTO tr VALUES (2);
SELECT tg, tg_when, lvl, op FROM log ORDER BY n;
DELETE FROM log;

-- INSTEAD OF INSERT on a view
CREATE TABLE base (id int, name text);
CREATE VIEW bv AS SELECT id, name FROM base;
CREATE FUNCTION bv_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO base VALUES (NEW.id, upper(NEW.name));
  RETURN NEW;
END $$;
CREATE TRIGGER bv_ins INSTEAD OF INSERT ON bv FOR EACH ROW EXECUTE FUNCTION bv_insert();
INSERT INTO bv VALUES (1, 'a'), (2, 'b');
SELECT * FROM bv ORDER BY id;
CREATE FUNCTION bv_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    UPDATE base SET name = NEW.name WHERE id = OLD.id;
    RETURN NEW;
  END IF;
  DELETE FROM base WHERE id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER bv_chg INSTEAD OF UPDATE OR DELETE ON bv FOR EACH ROW EXECUTE FUNCTION bv_change();
CREATE TRIGGER bv_stmt AFTER UPDATE ON bv FOR EACH STATEMENT EXECUTE FUNCTION audit();
UPDATE bv SET name = lower(name) || '!' WHERE id = 1 RETURNING *;
UPDATE bv SET name = 'none' WHERE id = 99;
DELETE FROM bv WHERE id = 2 RETURNING id, name;
SELECT * FROM base ORDER BY id;
SELECT tg, tg_when, lvl, op, tbl FROM log ORDER BY n;
DELETE FROM log;

-- constraint triggers deferred to COMMIT
CREATE FUNCTION at_most_two() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM lim) > 2 THEN
    RAISE EXCEPTION 'too many rows';
  END IF;
  RETURN NULL;
END $$;
CREATE TABLE lim (id int);
CREATE CONSTRAINT TRIGGER lim_check AFTER INSERT ON lim DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION at_most_two();
BEGIN;
INSERT INTO lim VALUES (1), (2), (3);
DELETE FROM lim WHERE id = 3;
COMMIT;
SELECT count(*) FROM lim;
BEGIN;
INSERT INTO lim VALUES (3);
COMMIT; -- error P0001
SELECT count(*) FROM lim;

-- the catalog
SELECT tgname, tgtype, tgenabled, tgisinternal, tgnargs, tgdeferrable, tginitdeferred FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname, tgtype;
SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = 'item'::regclass ORDER BY tgname;
SELECT pg_get_triggerdef(oid, true) FROM pg_trigger WHERE tgrelid = 'w'::regclass ORDER BY tgname;
SELECT relhastriggers FROM pg_class WHERE relname IN ('item', 'base') ORDER BY relname;
ALTER TRIGGER big ON w RENAME TO large;
ALTER TRIGGER large ON w RENAME TO ofy; -- error 42710
ALTER TRIGGER nope ON w RENAME TO x; -- error 42704
ALTER TABLE w DISABLE TRIGGER USER;
ALTER TABLE w ENABLE ALWAYS TRIGGER large;
ALTER TABLE w ENABLE REPLICA TRIGGER ofy;
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'w'::regclass ORDER BY tgname;
DROP TRIGGER large ON w;
DROP TRIGGER large ON w; -- error 42704
DROP TRIGGER IF EXISTS large ON w;
DROP TRIGGER IF EXISTS large ON nosuch;
DROP TRIGGER large ON nosuch; -- error 42P01
ALTER TABLE w DISABLE TRIGGER nope; -- error 42704

-- errors
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION not_a_trigger(); -- error 42P17
CREATE TRIGGER x INSTEAD OF INSERT ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42809
CREATE TRIGGER x BEFORE INSERT ON bv FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42809
CREATE TRIGGER x INSTEAD OF INSERT ON bv FOR EACH STATEMENT EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x INSTEAD OF INSERT ON bv FOR EACH ROW WHEN (true) EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x INSTEAD OF UPDATE OF id ON bv FOR EACH ROW EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x BEFORE TRUNCATE ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x BEFORE INSERT ON item WHEN (new.id > 0) EXECUTE FUNCTION audit(); -- error 42P17
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW WHEN (old.id > 0) EXECUTE FUNCTION audit(); -- error 42P17
CREATE TRIGGER x BEFORE DELETE ON item FOR EACH ROW WHEN (new.id > 0) EXECUTE FUNCTION audit(); -- error 42P17
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW WHEN (new.nosuch > 0) EXECUTE FUNCTION audit(); -- error 42703
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW WHEN (new.id > (SELECT 1)) EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x BEFORE UPDATE OF nosuch ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42703
CREATE TRIGGER x BEFORE UPDATE OF id, id ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42701
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION nosuch(); -- error 42883
CREATE TRIGGER x BEFORE INSERT ON nosuch FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42P01
CREATE CONSTRAINT TRIGGER x BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42601
CREATE CONSTRAINT TRIGGER x AFTER INSERT ON item FOR EACH STATEMENT EXECUTE FUNCTION audit(); -- error 42601
CREATE OR REPLACE CONSTRAINT TRIGGER x AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 0A000
CREATE TRIGGER x BEFORE INSERT ON item FOR EACH ROW DEFERRABLE EXECUTE FUNCTION audit(); -- error 42601
CREATE TRIGGER x BEFORE INSERT ON item REFERENCING NEW TABLE AS nt FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42P17
CREATE TRIGGER x AFTER INSERT ON item REFERENCING OLD TABLE AS ot FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42P17
CREATE TRIGGER z_audit AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION audit(); -- error 42710
CREATE OR REPLACE TRIGGER z_audit AFTER INSERT ON item FOR EACH ROW EXECUTE FUNCTION audit('replaced');
SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'z_audit';
DROP FUNCTION audit(); -- error 2BP01
DROP TABLE item;
SELECT count(*) FROM pg_trigger WHERE tgname IN ('z_audit', 's_audit', 'set_updated', 'a_skip', 'b_times');
