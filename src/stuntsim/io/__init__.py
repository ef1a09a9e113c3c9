"""Readers for the files crews actually get (winds bulletins, soundings, DEMs).

Parsers return world pieces (wind profiles, atmospheres, terrain); they hold no physics.
"""
