"""Faulty on purpose: fails while being imported (expect BAD_IMPLEMENTATION)."""
import a_module_that_is_not_installed  # noqa: F401
