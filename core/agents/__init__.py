"""Probe agents in units' own networks: enrolment, credentials, the targets each checks, pushed results."""
