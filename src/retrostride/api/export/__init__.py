"""Export of everything an account holds: the log's bundle, programs, assessments, the account."""
