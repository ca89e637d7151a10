"""Lessons: each learner question in the seeds, answered by a setup and a tested claim."""
