"""Probe workers (ping, SNMP, HTTP, TCP). Filled in by the probe-engine issue; never imports streamlit."""
