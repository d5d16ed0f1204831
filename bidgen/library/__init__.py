"""Content libraries."""
