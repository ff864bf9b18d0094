"""The monthly SLA review (Pemdi indicator 19): the month's figures, recommendations, follow-up actions."""
