"""What the city's other systems read: the read API's rows (per token scope) and the open datasets."""
