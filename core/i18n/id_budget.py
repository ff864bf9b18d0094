"""Indonesian messages of account codes, standard prices (SSH), SIPD budget lines and the RKA export."""

MESSAGES = {
    "page.accounts": "Rekening & SSH",
    "accounts.caption": "Bahasa anggaran kota: kode rekening tiap jenis kebutuhan, batas kapitalisasi, Standar "
                        "Satuan Harga (SSH) dan baris RKA/DPA yang benar-benar dianggarkan unit (impor dari SIPD). "
                        "Cek Anggaran Ganda dan ekspor RKA membaca data di sini.",
    "accounts.tab_chart": "Kode rekening",
    "accounts.tab_ssh": "Standar harga (SSH)",
    "accounts.tab_lines": "Anggaran dari SIPD",
    "accounts.threshold": "Batas kapitalisasi (Rp)",
    "accounts.threshold_help": "Harga satuan mulai dari batas ini dianggarkan sebagai belanja modal (5.2.x); di "
                               "bawahnya sebagai belanja barang dan jasa (5.1.02.x). Isi sesuai kebijakan akuntansi kota.",
    "accounts.threshold_saved": "Batas kapitalisasi disimpan: {amount}.",
    "accounts.threshold_set": "Harga satuan {amount} ke atas menjadi belanja modal.",
    "accounts.threshold_default": "Batas kapitalisasi kota belum diisi; sementara dipakai {amount}. Admin mengisinya "
                                  "sesuai kebijakan akuntansi kota.",
    "accounts.rules": "Kebutuhan → kode rekening",
    "accounts.rules_help": "Tiap kategori kebutuhan (dan untuk perangkat, kategori perangkatnya) masuk ke satu kode "
                           "modal dan satu kode barang/jasa. Baris dengan kategori perangkat mengalahkan baris "
                           "“semua perangkat”. Kode modal kosong: selalu barang/jasa.",
    "accounts.any_device": "(semua perangkat)",
    "accounts.col.category": "Kategori kebutuhan",
    "accounts.col.device_category": "Kategori perangkat",
    "accounts.col.capital_code": "Kode modal",
    "accounts.never_capital": "— (selalu barang/jasa)",
    "accounts.used_codes": "Nama kode rekening yang dipakai di atas:",
    "account_kind.capital": "Belanja modal",
    "account_kind.goods": "Barang",
    "account_kind.services": "Jasa",
    "account_kind.maintenance": "Pemeliharaan",
    "accounts.col.goods_code": "Kode barang/jasa",
    "accounts.col.code": "Kode rekening",
    "accounts.col.name": "Nama rekening",
    "accounts.col.kind": "Jenis",
    "accounts.col.typical_need": "Biasanya untuk",
    "accounts.codes": "Daftar kode rekening",
    "accounts.bad_code": "{code!r} bukan kode rekening; tulis misalnya 5.2.02.10.01.0002.",
    "accounts.unknown_code": "Kode rekening {code!r} belum ada di daftar kode rekening; tambahkan dulu.",
    "accounts.bad_threshold": "Batas kapitalisasi harus Rupiah lebih dari nol.",
    "accounts.ssh_search": "Cari kode, uraian atau spesifikasi",
    "accounts.ssh_count": "{count} item ditampilkan (paling banyak 500; persempit dengan pencarian).",
    "accounts.ssh.code": "Kode",
    "accounts.ssh.description": "Uraian",
    "accounts.ssh.specification": "Spesifikasi",
    "accounts.ssh.measure": "Satuan",
    "accounts.ssh.price": "Harga",
    "accounts.ssh_none": "Belum ada SSH tahun {year}.",
    "accounts.ssh_import": "Impor SSH",
    "accounts.ssh_import_help": "Unggah daftar SSH kota (Excel atau CSV) dengan kolom kode, uraian, spesifikasi, "
                                "satuan dan harga. Item baru ditambahkan dan item yang kodenya sudah ada diperbarui; "
                                "satu sel salah membatalkan seluruh berkas.",
    "accounts.ssh_preview": "Siap diimpor: {created} item baru, {updated} berubah, {unchanged} tetap.",
    "accounts.ssh_done": "SSH diimpor: {created} item baru, {updated} berubah, {unchanged} tetap.",
    "accounts.no_units": "Tidak ada unit yang dapat Anda lihat.",
    "accounts.usual": "Sub kegiatan yang biasa dipakai unit ini: {list}.",
    "accounts.lines_count": "{count} baris, jumlah {total}; dari berkas {source}, diimpor {at}.",
    "accounts.line.sub_activity": "Sub kegiatan",
    "accounts.line.account_code": "Kode rekening",
    "accounts.line.item": "Komponen",
    "accounts.line.specification": "Spesifikasi",
    "accounts.line.volume": "Koefisien",
    "accounts.line.measure": "Satuan",
    "accounts.line.unit_price": "Harga satuan",
    "accounts.line.total": "Total",
    "accounts.lines_none": "Belum ada baris anggaran unit ini untuk tahun {year}.",
    "accounts.lines_held": "Baris anggaran yang sudah diimpor",
    "accounts.held.year": "Tahun",
    "accounts.held.unit": "Unit",
    "accounts.held.lines": "Baris",
    "accounts.held.total": "Total",
    "accounts.lines_import": "Impor RKA/DPA dari SIPD",
    "accounts.lines_import_help": "Unggah ekspor rincian RKA/DPA unit ini dari SIPD (kode_akun, nama_akun, "
                                  "nama_komponen, spek_komponen, satuan, koefisien, harga_satuan, total_harga, sub "
                                  "kegiatan). Berkas menggantikan semua baris unit ini untuk tahun yang dipilih; baris "
                                  "judul dan subtotal dilewati; satu sel salah membatalkan seluruh berkas.",
    "accounts.lines_preview": "Siap diimpor: {lines} baris senilai {total}, menggantikan {replaced} baris yang ada; "
                              "{skipped} baris judul/subtotal dilewati.",
    "accounts.lines_done": "Diimpor: {lines} baris senilai {total} (menggantikan {replaced} baris).",
    "accounts.footer": "Kode rekening mengikuti Permendagri 90/2019 dan pemutakhirannya; kodenya bisa berbeda antar "
                       "kota dan tahun, jadi admin menyesuaikannya di sini.",
    "sipd.bad_volume": "Koefisien {value!r} tidak terbaca; tulis misalnya 24 atau 2 Unit x 12 Bulan.",
    "needs.bad_year": "Tahun anggaran {year} di luar rentang yang dapat direncanakan.",
    "needs.standard_unknown": "Kode SSH {code!r} tidak ada di daftar Standar Satuan Harga; periksa kodenya di "
                              "halaman Rekening & SSH.",
    "needs.bad_sub_activity": "{code!r} bukan kode sub kegiatan; tulis misalnya 2.16.03.2.02.0001.",
    "needs.price_required": "Isi harga satuan, atau isi kode SSH agar harganya diambil dari Standar Satuan Harga.",
    "need.measure": "Satuan",
    "need.measure.help": "Satuan ukur di RKA, mis. unit, lisensi, paket. Kosong: diambil dari SSH atau dari kategori.",
    "need.standard_code": "Kode SSH",
    "need.standard_code.help": "Kode item Standar Satuan Harga. Jika harga satuan dikosongkan, harganya diambil dari "
                               "SSH; harga di atas SSH ditandai di Cek Anggaran Ganda.",
    "need.sub_activity": "Sub kegiatan",
    "need.sub_activity.help": "Kode sub kegiatan SIPD tempat kebutuhan ini dianggarkan (boleh diisi nanti). Halaman "
                              "Rekening & SSH menampilkan sub kegiatan yang biasa dipakai unit.",
    "checks.group.double": "Anggaran ganda",
    "checks.group.double.help": "Temuan nyata: cadangan masih ada, sudah didanai, aplikasi sudah ada, Pusat Data "
                                "masih lega, perangkat masih dalam umur pakai. Perkiraan hemat di samping nilai "
                                "yang terlibat; tiap kebutuhan dihitung sekali.",
    "checks.group.price": "Di atas SSH",
    "checks.group.price.help": "Selisih harga kebutuhan di atas Standar Satuan Harga, dikali volume, di samping "
                               "nilai kebutuhan itu.",
    "checks.group.savings": "Pengadaan bersama",
    "checks.group.savings.help": "Pengadaan bersama atau layanan bersama antar unit: bukan anggaran ganda, tetapi "
                                 "bisa lebih murah. Perkiraan hemat = potongan pengadaan bersama × nilai; tiap "
                                 "kebutuhan dihitung sekali.",
    "checks.group_counts": "{findings} temuan, {needs} kebutuhan",
    "checks.statuses": "Status yang diperiksa",
    "checks.statuses_help": "Semua status kecuali Ditolak. Pilih hanya Disetujui untuk membaca kebutuhan yang sama "
                            "dengan Skenario Anggaran.",
    "checks.saving": "Perkiraan hemat",
    "checks.saving.help": "Jumlah perkiraan hemat seluruh temuan: tiap kebutuhan dihitung sekali, dengan hemat "
                          "terbesar yang diberikan temuannya. Aturan tiap pemeriksaan ada di tabel di bawah.",
    "checks.saving_needs": "{share} % dari nilai yang terlibat",
    "checks.involved": "Nilai yang terlibat",
    "checks.involved.help": "Nilai (volume × harga satuan) kebutuhan yang masuk sedikitnya satu temuan, tiap "
                            "kebutuhan sekali.",
    "checks.checked": "Kebutuhan diperiksa",
    "checks.checked.help": "Seluruh kebutuhan tahun ini dengan status yang dipilih, seperti dihitung halaman "
                           "Kebutuhan TIK.",
    "checks.checked_needs": "{needs} kebutuhan",
    "checks.of_value": "dari {value} yang terlibat",
    "checks.finding": "{item} — hemat {saving} dari {value}",
    "checks.rule_is": "Perkiraan hemat: {rule}.",
    "checks.rule.device_spare": "harga perangkat yang diganti cadangan",
    "checks.rule.device_in_life": "harga perangkat yang penggantiannya ditunda",
    "checks.rule.app_exists": "seluruh nilai (pakai aplikasi yang ada)",
    "checks.rule.funded_before": "seluruh nilai (sudah didanai)",
    "checks.rule.hosting_capacity": "seluruh nilai (mesin virtual Pusat Data)",
    "checks.rule.above_standard": "(harga diminta − SSH) × volume",
    "checks.rule.shared_item": "{percent} % dari nilai (pengadaan bersama)",
    "checks.discount": "Aturan perkiraan hemat pengadaan bersama",
    "checks.discount_help": "Pengadaan bersama menghemat sebagian dari yang diminta beberapa unit. Kota mengisi "
                            "potongannya sendiri (misalnya dari hasil konsolidasi pengadaannya) beserta sumber "
                            "angkanya; sampai diisi, dipakai angka bawaan.",
    "checks.discount_pct": "Potongan pengadaan bersama (%)",
    "checks.discount_from": "Sumber angka",
    "checks.discount_from_help": "Dari mana angka ini, misalnya 'Hasil konsolidasi pengadaan PC 2025, Bagian "
                                 "Pengadaan Barang/Jasa'.",
    "checks.discount_saved": "Potongan pengadaan bersama disimpan.",
    "checks.discount_is": "Potongan pengadaan bersama {percent} % — sumber: {source}.",
    "checks.discount_source": "Potongan pengadaan bersama — sumber: {source}.",
    "checks.discount_default": "angka bawaan {percent} %, belum diisi kota: batas bawah efisiensi konsolidasi "
                               "pengadaan 20–30 % yang disampaikan Kepala LKPP (Jawa Tengah, Juni 2025)",
    "savings.bad_discount": "Potongan pengadaan bersama harus antara 0 % dan 100 %.",
    "savings.source_required": "Tuliskan sumber angkanya (paling banyak {most} karakter).",
    "checks.kind.above_standard": "Di atas SSH",
    "checks.kind.above_standard.help": "Kebutuhan yang harganya melebihi Standar Satuan Harga item yang disebutnya.",
    "checks.detail.budget_line": "Anggaran {year}, rekening {account}: {volume} {measure}, {total}",
    "checks.detail.standard": "SSH {year}: {price} per {measure}; diminta {asked}, selisih {difference}",
    "checks.what.budget_line": "Baris anggaran (SIPD)",
    "checks.what.standard": "Standar Satuan Harga",
    "needs.suggest.standard_price": "Sesuaikan harga dengan SSH, atau tulis alasan spesifikasi yang lebih tinggi.",
    "rka.page_of": "Halaman {page} dari {pages}",
    "rka.no_sub_activity": "Sub kegiatan belum diisi",
    "rka.sub_activity_unknown": "Nama sub kegiatan belum diketahui (belum ada di baris SIPD yang diimpor)",
    "rka.flagged_needs": "Kebutuhan dengan temuan Cek Anggaran Ganda",
    "rka.flagged_value": "Nilai kebutuhan dengan temuan",
    "rka.flagged_saving": "Perkiraan hemat (Cek Anggaran Ganda)",
    "rka.no_account": "Kode rekening belum dipetakan",
    "rka.col.code": "Kode",
    "rka.col.specification": "Spesifikasi",
    "rka.unsaved": "Aturan belum disimpan",
    "budget.export_help": "Lampiran RKA (siap cetak: lanskap, selebar halaman, judul kolom di tiap halaman) dan CSV "
                          "berformat SIPD dari aturan yang sedang dipakai.",
    "budget.export_sipd": "Unduh CSV format SIPD",
    "budget.requested_escalated": "{amount} setelah eskalasi {escalation}",
    "budget.requested_cost": "Diminta setelah eskalasi",
    "budget.escalation_note": "Diminta memakai harga yang diajukan unit; pagu, Didanai dan lampiran RKA memakai "
                              "harga setelah eskalasi {escalation}.",
    "budget.flagged": "Cek Anggaran Ganda pada kebutuhan ini: {needs} kebutuhan dengan temuan, senilai {value}; "
                      "perkiraan hemat {saving}.",
    "budget.priority_mandatory": "{priority} · wajib",
    "budget.unsaved_new": "Aturan ini belum disimpan sebagai skenario; ekspor berjudul “Aturan belum disimpan”.",
    "budget.unsaved_changes": "Ada perubahan yang belum disimpan pada skenario {name}; ekspor berjudul “Aturan belum "
                              "disimpan” sampai disimpan.",
}
