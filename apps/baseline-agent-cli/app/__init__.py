"""Baseline Agent Cli: an OpenAI-compatible agent server."""

__version__ = "0.1.0"
