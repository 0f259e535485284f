"""A deployment: many briefs made by a pool of workers on many machines, sharing one PostgreSQL.

`settings` reads the deployment file, `shared` keeps what the briefs share (each feed's
latest response, each scheduled cycle) in the database, `tasks` is the work (one task
per feed fetch, per brief build, per email delivery) on the Procrastinate queue,
`worker` runs a worker, `status` reports on all of it.
"""
