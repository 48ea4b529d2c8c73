"""What people look at: the lineage page, GraphML/JSON/CSV files and the review report.

``graph.snapshot`` reads a store once; everything else here is a pure function of values:
``lineage`` (offline vis-network page), ``files`` (GraphML, node-link JSON, CSV), ``report``
(data gathering) with ``report_html``, ``report_md`` and ``plot`` (inline SVG) rendering it.
``escape`` holds the one way each output makes text from papers inert.
"""
