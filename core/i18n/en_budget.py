"""English messages of account codes, standard prices (SSH), SIPD budget lines and the RKA export."""

MESSAGES = {
    "page.accounts": "Accounts & standard prices",
    "accounts.caption": "The city's budget language: the account code of each kind of need, the capitalisation "
                        "threshold, the standard unit prices (SSH) and the RKA/DPA lines units really budgeted "
                        "(imported from SIPD). The double-budget checks and the RKA export read them.",
    "accounts.tab_chart": "Account codes",
    "accounts.tab_ssh": "Standard prices (SSH)",
    "accounts.tab_lines": "Budget from SIPD",
    "accounts.threshold": "Capitalisation threshold (Rp)",
    "accounts.threshold_help": "A unit price from this amount up is budgeted as capital spending (5.2.x); below it "
                               "as goods and services (5.1.02.x). Set it to the city's accounting policy.",
    "accounts.threshold_saved": "Capitalisation threshold saved: {amount}.",
    "accounts.threshold_set": "A unit price of {amount} or more is capital spending.",
    "accounts.threshold_default": "The city's capitalisation threshold is not set yet; {amount} is used meanwhile. "
                                  "An admin sets it to the city's accounting policy.",
    "accounts.rules": "Needs → account codes",
    "accounts.rules_help": "Each need category (and for devices, their device category) goes under one capital "
                           "code and one goods/services code. A row with a device category wins over the “any "
                           "device” row. No capital code: always goods/services.",
    "accounts.any_device": "(any device)",
    "accounts.col.category": "Need category",
    "accounts.col.device_category": "Device category",
    "accounts.col.capital_code": "Capital code",
    "accounts.never_capital": "— (always goods/services)",
    "accounts.used_codes": "The account codes used above:",
    "account_kind.capital": "Capital",
    "account_kind.goods": "Goods",
    "account_kind.services": "Services",
    "account_kind.maintenance": "Maintenance",
    "accounts.col.goods_code": "Goods/services code",
    "accounts.col.code": "Account code",
    "accounts.col.name": "Account name",
    "accounts.col.kind": "Kind",
    "accounts.col.typical_need": "Usually for",
    "accounts.codes": "Account codes",
    "accounts.bad_code": "{code!r} is not an account code; write e.g. 5.2.02.10.01.0002.",
    "accounts.unknown_code": "Account code {code!r} is not in the list of account codes; add it first.",
    "accounts.bad_threshold": "The capitalisation threshold must be an amount above zero.",
    "accounts.ssh_search": "Search code, description or specification",
    "accounts.ssh_count": {
        "n": "count",
        "one": "{count} item shown (at most 500; narrow with the search).",
        "other": "{count} items shown (at most 500; narrow with the search).",
    },
    "accounts.ssh.code": "Code",
    "accounts.ssh.description": "Description",
    "accounts.ssh.specification": "Specification",
    "accounts.ssh.measure": "Unit",
    "accounts.ssh.price": "Price",
    "accounts.ssh_none": "No standard prices for {year} yet.",
    "accounts.ssh_import": "Import standard prices",
    "accounts.ssh_import_help": "Upload the city's SSH list (Excel or CSV) with columns code, description, "
                                "specification, unit and price. New items are added and items whose code is held "
                                "are updated; one bad cell rejects the whole file.",
    "accounts.ssh_preview": {
        "n": "created",
        "one": "Ready to import: {created} new item, {updated} changed, {unchanged} unchanged.",
        "other": "Ready to import: {created} new items, {updated} changed, {unchanged} unchanged.",
    },
    "accounts.ssh_done": {
        "n": "created",
        "one": "Standard prices imported: {created} new item, {updated} changed, {unchanged} unchanged.",
        "other": "Standard prices imported: {created} new items, {updated} changed, {unchanged} unchanged.",
    },
    "accounts.no_units": "There are no units you can see.",
    "accounts.usual": "Sub-activities this unit usually budgets under: {list}.",
    "accounts.lines_count": {
        "n": "count",
        "one": "{count} line, total {total}; from file {source}, imported {at}.",
        "other": "{count} lines, total {total}; from file {source}, imported {at}.",
    },
    "accounts.line.sub_activity": "Sub-activity",
    "accounts.line.account_code": "Account code",
    "accounts.line.item": "Component",
    "accounts.line.specification": "Specification",
    "accounts.line.volume": "Volume",
    "accounts.line.measure": "Unit",
    "accounts.line.unit_price": "Unit price",
    "accounts.line.total": "Total",
    "accounts.lines_none": "No budget lines of this unit for {year} yet.",
    "accounts.lines_held": "Budget lines imported",
    "accounts.held.year": "Year",
    "accounts.held.unit": "Unit",
    "accounts.held.lines": "Lines",
    "accounts.held.total": "Total",
    "accounts.lines_import": "Import RKA/DPA from SIPD",
    "accounts.lines_import_help": "Upload this unit's RKA/DPA detail export from SIPD (kode_akun, nama_akun, "
                                  "nama_komponen, spek_komponen, satuan, koefisien, harga_satuan, total_harga, "
                                  "sub-activity). The file replaces all of this unit's lines for the chosen year; "
                                  "title and subtotal rows are skipped; one bad cell rejects the whole file.",
    "accounts.lines_preview": {
        "n": "lines",
        "one": "Ready to import: {lines} line worth {total}. Lines held now and replaced: {replaced}; title and subtotal rows skipped: {skipped}.",
        "other": "Ready to import: {lines} lines worth {total}. Lines held now and replaced: {replaced}; title and subtotal rows skipped: {skipped}.",
    },
    "accounts.lines_done": {
        "n": "lines",
        "one": "Imported: {lines} line worth {total} (lines replaced: {replaced}).",
        "other": "Imported: {lines} lines worth {total} (lines replaced: {replaced}).",
    },
    "accounts.footer": "Account codes follow Permendagri 90/2019 and its updates; they differ between cities and "
                       "years, so an admin adjusts them here.",
    "sipd.bad_volume": "Volume {value!r} cannot be read; write e.g. 24 or 2 Unit x 12 Bulan.",
    "needs.bad_year": "Fiscal year {year} is outside the years that can be planned.",
    "needs.standard_unknown": "SSH code {code!r} is not in the standard price list; check the code on the Accounts "
                              "& standard prices page.",
    "needs.bad_sub_activity": "{code!r} is not a sub-activity code; write e.g. 2.16.03.2.02.0001.",
    "needs.price_required": "Fill in the unit price, or an SSH code to take the price from the standard prices.",
    "need.measure": "Unit of measure",
    "need.measure.help": "The RKA's unit of measure, e.g. unit, licence, package. Empty: from the SSH or the category.",
    "need.standard_code": "SSH code",
    "need.standard_code.help": "The standard price item's code. With the unit price left empty, the price is taken "
                               "from the SSH; a price above the SSH is flagged by the double-budget checks.",
    "need.sub_activity": "Sub-activity",
    "need.sub_activity.help": "The SIPD sub-activity code the need is budgeted under (may be filled later). The "
                              "Accounts & standard prices page lists the unit's usual sub-activities.",
    "checks.group.double": "Double budget",
    "checks.group.double.help": "Real findings: a spare in stock, funded before, the application exists, "
                                "data-centre capacity, devices still within their life. The estimated saving beside "
                                "the value involved; each need counted once.",
    "checks.group.price": "Above standard price",
    "checks.group.price.help": "What needs are priced above the standard unit price, times their volume, beside "
                               "those needs' value.",
    "checks.group.savings": "Joint procurement",
    "checks.group.savings.help": "Joint procurement or a shared service across units: no double budget, but could "
                                 "cost less. Estimated saving = the joint-procurement discount × the value; each "
                                 "need counted once.",
    "checks.group_counts": {
        "n": "findings",
        "one": {
            "n": "needs",
            "one": "{findings} finding, {needs} need",
            "other": "{findings} finding, {needs} needs",
        },
        "other": {
            "n": "needs",
            "one": "{findings} findings, {needs} need",
            "other": "{findings} findings, {needs} needs",
        },
    },
    "checks.statuses": "Statuses checked",
    "checks.statuses_help": "Every status but Rejected. Choose only Approved to read the same needs as the Budget "
                            "scenarios page.",
    "checks.saving": "Estimated savings",
    "checks.saving.help": "Every finding's estimated saving together: each need counted once, with the largest "
                          "saving its findings give it. Each check's rule is in the table below.",
    "checks.saving_needs": "{share} % of the value involved",
    "checks.involved": "Value involved",
    "checks.involved.help": "The value (volume × unit price) of the needs in at least one finding, each need once.",
    "checks.checked": "Needs checked",
    "checks.checked.help": "Every need of the year in the statuses chosen, as the ICT needs page counts them.",
    "checks.checked_needs": {"n": "needs", "one": "{needs} need", "other": "{needs} needs"},
    "checks.of_value": "of {value} involved",
    "checks.finding": "{item} — saves {saving} of {value}",
    "checks.rule_is": "Estimated saving: {rule}.",
    "checks.rule.device_spare": "the price of the devices spares replace",
    "checks.rule.device_in_life": "the price of the replacements that wait",
    "checks.rule.app_exists": "the whole value (use the existing application)",
    "checks.rule.funded_before": "the whole value (funded before)",
    "checks.rule.hosting_capacity": "the whole value (a data-centre virtual machine)",
    "checks.rule.above_standard": "(price asked − standard) × volume",
    "checks.rule.shared_item": "{percent} % of the value (joint procurement)",
    "checks.discount": "How joint-procurement savings are estimated",
    "checks.discount_help": "Buying jointly saves part of what several units ask for. The city sets its own "
                            "discount (from its consolidated purchases, say) with where the figure comes from; "
                            "until then a default is used.",
    "checks.discount_pct": "Joint-procurement discount (%)",
    "checks.discount_from": "Source of the figure",
    "checks.discount_from_help": "Where this figure comes from, e.g. 'Consolidated PC purchase 2025, procurement "
                                 "office'.",
    "checks.discount_saved": "Joint-procurement discount saved.",
    "checks.discount_is": "Joint-procurement discount {percent} % — source: {source}.",
    "checks.discount_source": "Joint-procurement discount — source: {source}.",
    "checks.discount_default": "the default {percent} %, not set by the city yet: the low end of the 20–30 % "
                               "consolidated procurement saved, as the head of LKPP reported it (Central Java, June "
                               "2025)",
    "savings.bad_discount": "The joint-procurement discount must be between 0 % and 100 %.",
    "savings.source_required": {"n": "most", "one": "Say where the figure comes from (at most {most} character).", "other": "Say where the figure comes from (at most {most} characters)."},
    "checks.kind.above_standard": "Above standard price",
    "checks.kind.above_standard.help": "Needs priced above the standard unit price of the item they name.",
    "checks.detail.budget_line": "Budget {year}, account {account}: {volume} {measure}, {total}",
    "checks.detail.standard": "SSH {year}: {price} per {measure}; asked {asked}, difference {difference}",
    "checks.what.budget_line": "Budget line (SIPD)",
    "checks.what.standard": "Standard unit price",
    "needs.suggest.standard_price": "Bring the price to the standard, or state why a higher specification is needed.",
    "rka.page_of": "Page {page} of {pages}",
    "rka.no_sub_activity": "Sub-activity not filled in",
    "rka.sub_activity_unknown": "Sub-activity name not known yet (in no SIPD line imported)",
    "rka.flagged_needs": "Needs with a double-budget finding",
    "rka.flagged_value": "Value of the needs with findings",
    "rka.flagged_saving": "Estimated saving (double-budget checks)",
    "rka.no_account": "Account code not mapped",
    "rka.col.code": "Code",
    "rka.col.specification": "Specification",
    "rka.unsaved": "Rules not saved",
    "budget.export_help": "The RKA annex (ready to print: landscape, page-wide, header rows on every page) and a "
                          "CSV in SIPD's layout, of the rules in use.",
    "budget.export_sipd": "Download SIPD-layout CSV",
    "budget.requested_escalated": "{amount} after {escalation} escalation",
    "budget.requested_cost": "Requested after escalation",
    "budget.escalation_note": "Requested is at the prices the units asked; the ceiling, Funded and the RKA annex "
                              "use prices after {escalation} escalation.",
    "budget.flagged": {"n": "needs",
                       "one": "Double-budget checks on these needs: {needs} need with findings, worth {value}; "
                              "estimated saving {saving}.",
                       "other": "Double-budget checks on these needs: {needs} needs with findings, worth {value}; "
                                "estimated saving {saving}."},
    "budget.priority_mandatory": "{priority} · mandatory",
    "budget.unsaved_new": "These rules are not saved as a scenario; an export is titled “Rules not saved”.",
    "budget.unsaved_changes": "Scenario {name} has changes that are not saved; an export is titled “Rules not "
                              "saved” until they are.",
}
