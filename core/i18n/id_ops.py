"""Indonesian messages of backup, restore and moving a store."""

MESSAGES = {
    "ops.backed_up": "Cadangan ditulis ke {dir}: {rows} baris, {evidence} berkas bukti, skema {revision}.",
    "ops.restored": "Dipulihkan: {rows} baris dan {evidence} berkas bukti, cocok dengan manifes; skema {revision} "
                    "(dimutakhirkan saat aplikasi dijalankan).",
    "ops.copied": "Disalin dari {source} ke {target}: {rows} baris di {tables} tabel, jumlahnya cocok.",
    "ops.backup_dir_not_empty": "Folder {path} tidak kosong; cadangan ditulis ke folder baru atau kosong.",
    "ops.pg_dump_failed": "pg_dump gagal: {error}",
    "ops.pg_restore_failed": "pg_restore gagal (tidak ada yang tertulis): {error}",
    "ops.no_manifest": "Di {path} tidak ada manifest.json: ini bukan folder cadangan Monev TIK.",
    "ops.bad_manifest": "{path} bukan manifes cadangan Monev TIK yang dapat dibaca.",
    "ops.unknown_revision": "Cadangan ini berskema {revision}, yang tidak dikenal versi aplikasi ini (skema terbaru "
                            "{head}). Pulihkan dengan versi aplikasi yang membuat cadangan itu atau yang lebih baru.",
    "ops.checksum": "Berkas {file} di cadangan tidak cocok dengan checksum di manifes (rusak atau diubah); "
                    "pemulihan dibatalkan.",
    "ops.target_not_empty": "Basis data tujuan {url} tidak kosong. Pulihkan atau salin hanya ke basis data kosong "
                            "(buat baru, atau hapus isinya lebih dulu).",
    "ops.backend_mismatch": "Cadangan ini dari {backup}, tujuannya {target}. Untuk pindah dari SQLite ke "
                            "PostgreSQL pakai copy-store.",
    "ops.counts_differ": "Jumlah baris setelah pemulihan/penyalinan tidak sama: {tables}.",
    "ops.copy_source_revision": "Basis data sumber berskema {revision}, bukan {head}: jalankan aplikasi versi ini "
                                "sekali padanya (memutakhirkan skema), lalu salin.",
}
