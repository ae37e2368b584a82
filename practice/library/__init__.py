"""Technique library: the professional techniques and home self-care items a plan can use."""
