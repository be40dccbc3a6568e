"""The reference competition's participant package (local-orchestrator copy)."""
