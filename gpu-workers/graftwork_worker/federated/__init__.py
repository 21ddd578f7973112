"""The federated engine: simulated clients on a simulated network, trained together on one device.

Entry points: `builder.build_simulation`, `registry.make_strategy`, `loop.run_federation`,
and the job handler `job.run_federated_job`. See docs/FEDERATED.md.
"""
