"""Indonesian messages of the monthly SLA review (Pemdi indicator 19): figures, recommendations, actions."""

MESSAGES = {
    "page.review": "Tinjauan SLA",
    "review.title": "Tinjauan SLA Bulanan",
    "review.caption": "Tinjauan bulanan layanan (indikator 19 Indeks Pemerintah Digital): kepatuhan SLA tiap "
                      "layanan digital, kepatuhan waktu respons dan penyelesaian laporan gangguan dan pengaduan, "
                      "MTTA/MTTR, waktu gangguan per penyebab, kendala utama, rekomendasi dengan angka di baliknya, "
                      "dan tindak lanjut yang dibawa ke bulan berikutnya selama masih terbuka.",
    "review.scope": "Cakupan",
    "review.city": "Seluruh pemerintah daerah",
    "review.month": "Bulan",
    "review.report_title": "Laporan Tinjauan SLA {month}",
    "review.source": "Pemantauan Monev TIK: SLA layanan digital, tiket, insiden (data bulan itu)",
    "review.services_met": "Layanan memenuhi SLA",
    "review.ticket_response": "Laporan ditanggapi tepat waktu",
    "review.ticket_resolution": "Laporan diselesaikan tepat waktu",
    "review.complaint_response": "Pengaduan dijawab tepat waktu",
    "review.incidents": "Gangguan",
    "review.mtta": "MTTA (rata-rata waktu tanggap)",
    "review.mttr": "MTTR (rata-rata waktu pulih)",
    "review.share_detail": "{met} dari {decided}",
    "review.minutes": "{n} menit",
    "review.services": "Kepatuhan SLA per layanan",
    "review.down": "Lama gangguan",
    "review.causes": "Waktu gangguan per kategori penyebab",
    "review.cause_unset": "belum diisi",
    "review.obstacles": "Kendala utama",
    "review.obstacle": "Jenis",
    "review.obstacle.cause": "Penyebab",
    "review.obstacle.repeat": "Gangguan berulang",
    "review.recommendations": "Rekomendasi",
    "review.recommendation": "Rekomendasi dan angkanya",
    "review.rule": "Aturan",
    "review.rule.cause_share": "Penyebab dominan",
    "review.rule.repeat": "Target berulang",
    "review.rule.sla_missed": "SLA tidak tercapai",
    "review.rule.ticket_response": "Respons laporan",
    "review.rule.ticket_resolution": "Penyelesaian laporan",
    "review.rule.complaint_response": "Respons pengaduan",
    "review.rule.cause_unset": "Penyebab belum diisi",
    "review.rule.mtta": "Waktu tanggap",
    "review.rec.cause_share.listrik": "{n} dari {total} gangguan {unit} karena listrik: pertimbangkan UPS atau genset.",
    "review.rec.cause_share.isp_jaringan": "{n} dari {total} gangguan {unit} karena ISP/jaringan: tinjau SLA "
                                           "penyedia dan jalur cadangan.",
    "review.rec.cause_share.perangkat": "{n} dari {total} gangguan {unit} karena perangkat: jadwalkan pemeriksaan "
                                        "atau penggantian perangkat.",
    "review.rec.cause_share.konfigurasi": "{n} dari {total} gangguan {unit} karena konfigurasi: terapkan "
                                          "pengendalian perubahan dan uji sebelum diterapkan.",
    "review.rec.cause_share.aplikasi": "{n} dari {total} gangguan {unit} karena aplikasi: tinjau mutu rilis dan "
                                       "pemantauan aplikasinya.",
    "review.rec.cause_share.serangan": "{n} dari {total} gangguan {unit} karena serangan: koordinasikan dengan "
                                       "CSIRT dan perkuat pengamanan.",
    "review.rec.repeat": "Target {target} ({unit}) terputus {n} kali bulan ini: periksa perangkat dan jalurnya.",
    "review.rec.sla_missed": "Layanan {service} ({unit}) tersedia {percent_pct} dari target {target_pct}, "
                             "{breaches} gangguan pada jam layanan: tangani penyebab utamanya.",
    "review.rec.ticket_response": "Hanya {met} dari {decided} laporan ditanggapi tepat waktu ({share}, sasaran "
                                  "{goal_pct}): atur jadwal piket dan penugasan.",
    "review.rec.ticket_resolution": "Hanya {met} dari {decided} laporan diselesaikan tepat waktu ({share}, sasaran "
                                    "{goal_pct}): tinjau beban kerja dan eskalasi.",
    "review.rec.complaint_response": "Hanya {met} dari {decided} pengaduan warga ditanggapi tepat waktu ({share}, "
                                     "sasaran {goal_pct}): tunjuk petugas moderasi pengaduan.",
    "review.rec.cause_unset": "{n} dari {total} gangguan yang sudah pulih belum diisi penyebabnya: lengkapi agar "
                              "tinjauan tepat.",
    "review.rec.mtta": "Rata-rata waktu tanggap {minutes} menit ({n} gangguan diakui), di atas {goal} menit: "
                       "periksa notifikasi dan eskalasi.",
    "review.no_recommendations": "Tidak ada aturan rekomendasi yang terpicu oleh data bulan ini.",
    "review.rules_help": "Setiap rekomendasi berasal dari aturan tetap atas data bulan ini (lihat docs/review.md).",
    "review.no_services": "Tidak ada layanan digital dalam cakupan ini.",
    "review.no_causes": "Tidak ada gangguan yang dimulai bulan ini.",
    "review.no_obstacles": "Tidak ada kendala menonjol.",
    "review.actions": "Tindak lanjut",
    "review.action": "Tindak lanjut",
    "review.owner": "Penanggung jawab",
    "review.due": "Tenggat",
    "review.state": "Status",
    "review.state.terbuka": "Terbuka",
    "review.state.selesai": "Selesai",
    "review.state.batal": "Batal",
    "review.carried": "dibawa dari {month}",
    "review.carried_col": "Asal",
    "review.no_actions": "Belum ada tindak lanjut untuk bulan ini.",
    "review.add_action": "Tambah tindak lanjut",
    "review.action_unit": "Untuk",
    "review.action_saved": "Tindak lanjut disimpan.",
    "review.edit_pick": "Ubah tindak lanjut",
    "review.state_change": "Ubah status tindak lanjut",
    "review.state_pick": "Tindak lanjut",
    "review.state_saved": "Status tindak lanjut disimpan.",
    "review.save": "Simpan",
    "review.action_text_short": "Tulis tindak lanjutnya (minimal 3 karakter).",
    "review.action_control": "Teks tidak boleh berisi karakter kendali.",
    "review.action_state_unknown": "Pilih status: terbuka, selesai atau batal.",
    "review.action_not_found": "Tindak lanjut tidak ditemukan.",
    "review.download": "Unduh {fmt}",
    "review.attach": "Lampirkan sebagai bukti indikator 19",
    "review.attached": "Terlampir sebagai bukti indikator 19: {filename}.",
    "review.no_period": "Tidak ada periode evaluasi Indeks Pemerintah Digital yang sedang berjalan.",
    "review.method": "Angka dibaca dari sumber yang sama dengan halaman lain: SLA Layanan, Laporan Gangguan, "
                     "Ketersediaan. Tiket yang masih dalam target dihitung terpisah, tidak masuk persentase. Lama "
                     "gangguan per penyebab dihitung dalam waktu kalender; per layanan, dalam jam layanan.",
}
