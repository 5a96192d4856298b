"""Showing results to people: annotated images and the HTML report."""
