"""A setup as plain, validated data, and how it travels.

``setup`` defines what a comparison is (surface, start, optimizers, noise, schedule) and
the explorer's session around it; ``file`` reads and writes it as TOML; ``spec`` as the
one-line ``optiscope:v1 …`` string for forum posts.
"""
