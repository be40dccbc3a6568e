"""Participant package of the Synth game: local-orchestrator stand-in of ``crunch_synth``.

It follows the public API of the real package (crunch-synth 0.13): ``TrackerBase`` (concrete
``tick`` feeding ``self.prices``, ``predict``, ``predict_all``, ``track``), ``SubTracker`` and
``PriceStore``, with the standard library only. An installed real package wins: the local
orchestrator puts this folder last on ``sys.path``.
"""
from .constants import FORECAST_PROFILES, MAX_DISTRIBUTION_COMPONENTS, SUPPORTED_ASSETS
from .prices import PriceStore
from .tracker import SubTracker, TrackerBase

__all__ = ["TrackerBase", "SubTracker", "PriceStore", "MAX_DISTRIBUTION_COMPONENTS", "SUPPORTED_ASSETS", "FORECAST_PROFILES"]
