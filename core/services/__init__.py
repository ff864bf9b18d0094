"""Digital services: the register (owner, audience, targets, service hours, SLA targets), their SLA
compliance per month from the monitoring rollups, and the public status page citizens read."""
