/* faults.h - fault injection for tests: makes the file-system calls of env.c
 * fail at chosen points, as a full disk (ENOSPC) or a failing device (EIO)
 * would, so that tests can show the engine returns the error, never
 * acknowledges a write it did not make durable, stops writing (reads go on),
 * and recovers everything acknowledged at the next open.
 *
 * The one piece of process-wide state in the engine, and only for tests: a
 * fault is armed for the files whose path starts with a directory prefix and
 * contains a substring, so other engines in the process are unaffected. When
 * nothing is armed each file-system call costs one relaxed atomic load. */
#ifndef ODB_FAULTS_H
#define ODB_FAULTS_H

#include <stdint.h>

enum {
    ODB_FAULT_WRITE = 1,    /* write(): half the bytes are written, then the error (a torn write) */
    ODB_FAULT_SYNC = 2,     /* fdatasync()/fsync() of a file or a directory */
    ODB_FAULT_RENAME = 4,   /* rename() of an atomic file replacement (CURRENT, FORMAT) */
    ODB_FAULT_CREATE = 8,   /* creating a file for writing */
    ODB_FAULT_TRUNCATE = 16 /* ftruncate() (cutting a torn WAL tail at recovery) */
};

/* Arms a fault: of the operations in ops (an OR of ODB_FAULT_*) on a path
 * that starts with prefix and contains match ("" matches any), the first
 * `after` succeed and the next fails with errno_value; with sticky, every one
 * after it fails too (a disk that stays full). Replaces an armed fault. */
void odb_fault_arm(const char *prefix, const char *match, int ops, int after, int errno_value, int sticky);
void odb_fault_disarm(void);
/* How many operations failed since the fault was armed. */
uint64_t odb_fault_count(void);

/* Power loss: while tracking (for files under prefix), env.c reports how many
 * bytes of each file an fsync made durable; odb_fault_drop_unsynced then cuts
 * every tracked file back to that size, as if the machine had lost power with
 * the rest in its page cache (directory entries are not simulated: a file
 * created and never synced is cut to 0 bytes, not removed). */
void odb_fault_track(const char *prefix);
/* Cuts the tracked files and stops tracking; returns the bytes dropped. */
uint64_t odb_fault_drop_unsynced(void);

/* For env.c: 0, or the errno with which operation op on path must fail. */
int odb_fault_hit(const char *path, int op);
/* For env.c: path was created (empty), synced with size bytes, or renamed. */
void odb_fault_note_create(const char *path);
void odb_fault_note_sync(const char *path, uint64_t size);
void odb_fault_note_rename(const char *from, const char *to);

#endif
