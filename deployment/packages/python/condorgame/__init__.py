"""The reference competition's participant package (local-orchestrator stand-in of ``condorgame``).

Built on the ``crunch_synth`` stand-in beside it (same PriceStore and distribution checks).
"""
