"""Facts of the Synth game (local-orchestrator stand-in of ``crunch_synth.constants``)."""

# Leaf components allowed in one predicted distribution (nested mixtures counted by leaves).
MAX_DISTRIBUTION_COMPONENTS = 3

SUPPORTED_ASSETS = [
    "BTC", "ETH", "XAUT", "SOL", "SP500", "NVDAX", "TSLAX", "AAPLX", "GOOGLX", "XRP", "HYPE", "WTIOIL",
]

# Forecast profiles: horizon and steps in seconds, and how often a prediction is asked for.
FORECAST_PROFILES = {
    "24h": {"horizon": 86400, "steps": [300, 3600, 21600, 86400], "interval": 3600},
    "1h": {"horizon": 3600, "steps": [60, 300, 900, 1800, 3600], "interval": 720},
}
