/*
 * sqlite-acks.c - SQLite under `ordeal crash --syscalls all --power-loss`:
 * which journal modes and synchronous settings keep every commit that was
 * acknowledged?
 *
 *   sqlite-acks write JOURNAL SYNC N   open t.db with journal_mode=JOURNAL
 *                                      and synchronous=SYNC, commit rows
 *                                      1..N one transaction each, and ack
 *                                      "row I" after each COMMIT returned
 *   sqlite-acks check                  the verifier: PRAGMA integrity_check
 *                                      is "ok" and every acked row is there
 */
#include <ordeal/crashpoint.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exec_sql(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "sqlite-acks: %s: %s\n", sql, err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int write_rows(const char *journal, const char *sync, int n)
{
	sqlite3 *db;
	char sql[256];
	int i;

	if (sqlite3_open("t.db", &db) != SQLITE_OK)
		return 2;
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode=%s", journal);
	if (exec_sql(db, sql))
		return 2;
	snprintf(sql, sizeof(sql), "PRAGMA synchronous=%s", sync);
	if (exec_sql(db, sql) ||
	    exec_sql(db, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY,"
			 " v TEXT)"))
		return 2;
	for (i = 1; i <= n; i++) {
		char ack[32];

		snprintf(sql, sizeof(sql),
			 "BEGIN; INSERT INTO t VALUES(%d, printf('%%0200d', %d));"
			 " COMMIT;",
			 i, i);
		if (exec_sql(db, sql))
			return 2;
		snprintf(ack, sizeof(ack), "row %d", i);
		ordeal_ack(ack);
	}
	sqlite3_close(db);
	return 0;
}

static int check(void)
{
	const char *acks = getenv("ORDEAL_ACKS");
	sqlite3 *db;
	sqlite3_stmt *st;
	FILE *f;
	char line[64];
	int bad = 0;

	if (sqlite3_open("t.db", &db) != SQLITE_OK) {
		printf("cannot open t.db\n");
		return 1;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) !=
	    SQLITE_OK) {
		printf("integrity_check failed: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	if (sqlite3_step(st) != SQLITE_ROW ||
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		printf("integrity_check: %s\n",
		       sqlite3_column_text(st, 0)
			       ? (const char *)sqlite3_column_text(st, 0)
			       : sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_finalize(st);
	f = acks ? fopen(acks, "r") : NULL;
	while (f && fgets(line, sizeof(line), f)) {
		int id;

		if (sscanf(line, "row %d", &id) != 1)
			continue;
		sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE id = ?",
				   -1, &st, NULL);
		sqlite3_bind_int(st, 1, id);
		if (!st || sqlite3_step(st) != SQLITE_ROW ||
		    sqlite3_column_int(st, 0) != 1) {
			if (!bad)
				printf("acked row %d lost\n", id);
			bad++;
		}
		sqlite3_finalize(st);
	}
	if (f)
		fclose(f);
	sqlite3_close(db);
	if (bad)
		return 1;
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "write"))
		return write_rows(argv[2], argv[3], atoi(argv[4]));
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	fprintf(stderr, "usage: sqlite-acks write JOURNAL SYNC N | check\n");
	return 2;
}
