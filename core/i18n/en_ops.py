"""English messages of backup, restore and moving a store."""

MESSAGES = {
    "ops.backed_up": "Backup written to {dir}: rows {rows}, evidence files {evidence}, schema {revision}.",
    "ops.restored": "Restored, matching the manifest: rows {rows}, evidence files {evidence}; schema {revision} (upgraded when the app starts).",
    "ops.copied": "Copied from {source} to {target}: rows {rows}, tables {tables}; the counts match.",
    "ops.backup_dir_not_empty": "Folder {path} is not empty; a backup goes into a new or empty folder.",
    "ops.pg_dump_failed": "pg_dump failed: {error}",
    "ops.pg_restore_failed": "pg_restore failed (nothing was written): {error}",
    "ops.no_manifest": "There is no manifest.json in {path}: this is not a Monev TIK backup folder.",
    "ops.bad_manifest": "{path} is not a readable Monev TIK backup manifest.",
    "ops.unknown_revision": "This backup has schema {revision}, which this release does not know (newest schema "
                            "{head}). Restore it with the release that made it, or a newer one.",
    "ops.checksum": "File {file} in the backup does not match its checksum in the manifest (damaged or changed); "
                    "restore stopped.",
    "ops.target_not_empty": "The target database {url} is not empty. Restore or copy only into an empty database "
                            "(create a new one, or empty it first).",
    "ops.backend_mismatch": "This backup is of {backup}, the target is {target}. To move from SQLite to "
                            "PostgreSQL use copy-store.",
    "ops.counts_differ": "Row counts differ after the restore/copy: {tables}.",
    "ops.copy_source_revision": "The source store has schema {revision}, not {head}: start this release on it once "
                                "(which upgrades it), then copy.",
}
