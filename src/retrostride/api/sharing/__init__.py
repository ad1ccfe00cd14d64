"""Sharing: an athlete's invitations and the clinicians' grants."""
