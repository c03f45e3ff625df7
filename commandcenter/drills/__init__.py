"""Drills: scenario format and validation, virtual clock, player, recorder, evaluation."""
