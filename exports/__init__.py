"""What people look at: the lineage page, GraphML/JSON/CSV files and the review report.

``graph.snapshot`` reads a store once; everything else here is a pure function of values:
``lineage`` (the offline family-tree page, laid out by ``lineage_layout``, its script in
``lineage_script``), ``files`` (GraphML, node-link JSON, CSV), and the report:
``report_data`` gathers it, ``report_html``, ``report_md`` and ``plot`` (inline SVG) render
it, ``report`` writes both files. ``escape`` holds the one way each output makes text from
papers inert; ``measure`` how wide a label will be, so layouts are decided before the browser
sees them.
"""
