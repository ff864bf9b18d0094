"""The probe kinds, one module each, and how many checks of each kind may be in flight at once."""

from probes.http import HttpProbe
from probes.ping import PingProbe
from probes.snmp import SnmpProbe
from probes.tcp import TcpProbe

PROBES = {"ping": PingProbe, "snmp": SnmpProbe, "http": HttpProbe, "tcp": TcpProbe}
# SNMP around 50: unbounded gathers of pysnmp requests time out on two cores.
CONCURRENCY = {"ping": 200, "snmp": 50, "http": 200, "tcp": 300}
