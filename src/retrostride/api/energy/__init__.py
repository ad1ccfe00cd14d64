"""The energy calculator: METs, VO2 and kcal of walking and running, forward and backward."""
