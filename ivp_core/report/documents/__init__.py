"""One module per document the raad or the college receives; each yields blocks (``ivp_core.report.blocks``)."""
