"""Indonesian messages of dependencies between targets (root cause, not alert storms)."""

MESSAGES = {
    "state.UNREACHABLE": "Tidak terjangkau — induk mati",
    "deps.unreachable_short": "Terputus",
    "deps.parent": "Induk (target yang dilalui)",
    "deps.parent_none": "— tanpa induk —",
    "deps.parent_help": "Target yang harus hidup agar target ini terjangkau, mis. uplink kecamatan bagi router "
                        "kelurahan. Selama induk mati, target ini bila gagal ditandai *tidak terjangkau — induk "
                        "mati*: tidak membuka insiden dan tidak mengirim peringatan sendiri.",
    "deps.parent_unknown": "Target induk tidak ditemukan atau di luar cakupan Anda.",
    "deps.parent_self": "Target tidak dapat menjadi induk bagi dirinya sendiri.",
    "deps.cycle": "Induk {parent!r} sudah bergantung pada target ini: ketergantungan tidak boleh berputar.",
    "deps.import_parent_unknown": "Target induk {parent!r} tidak ditemukan (tulis nama target di unit yang sama, "
                                  "atau KODE_UNIT/nama).",
    "deps.import_cycle": "Induk {parent!r} membuat ketergantungan berputar (target menjadi induk bagi dirinya "
                         "sendiri).",
    "deps.import_help": "Kolom **induk** (opsional): target yang dilalui, ditulis `nama` (di unit yang sama) atau "
                        "`KODE_UNIT/nama`; sel kosong berarti tanpa induk. Berkas tanpa kolom ini tidak mengubah "
                        "induk yang tersimpan.",
    "deps.column": "Induk",
    "deps.affected": "{n} target terdampak",
    "deps.affected_title": "Target terdampak ({n})",
    "deps.affected_caption": "Target yang tidak terjangkau karena target ini mati. Mereka tidak membuka insiden "
                             "dan tidak mengirim peringatan sendiri selama target ini mati.",
    "deps.behind": "Tidak terjangkau karena induknya mati: **{parent}**. Target ini tidak membuka insiden dan "
                   "tidak mengirim peringatan sendiri sampai induknya hidup kembali.",
    "deps.behind_hidden": "Tidak terjangkau karena induknya mati (induk di luar cakupan Anda). Target ini tidak "
                          "membuka insiden dan tidak mengirim peringatan sendiri sampai induknya hidup kembali.",
    "deps.availability_caption": "Waktu sebuah target *tidak terjangkau — induk mati* tetap dihitung sebagai waktu "
                                 "mati: penggunanya tidak dapat memakainya, apa pun penyebabnya. Ketersediaan dan "
                                 "SLA-nya turun seperti saat target itu sendiri mati.",
}
