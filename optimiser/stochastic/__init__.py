"""The two-stage plan under uncertainty (MODEL.md 12): what to commit now that holds across
the futures an instance's ``scenarios`` table states.

* :mod:`.scenarios`: each future as prepared data, the first-stage decisions, and the
  average future (every figure at its probability-weighted mean);
* :mod:`.deterministic_equivalent`: one LP holding every future's plan, the decisions
  committed now shared by all of them, assembled from the futures' compiled arrays and
  solved by HiGHS;
* :mod:`.measures`: the wait-and-see plans, the average-scenario plan, EVPI and VSS;
* :mod:`.ph`: the same problem by progressive hedging with mpi-sppy (one process, or MPI
  ranks under ``mpiexec``);
* :mod:`.run` and :mod:`.outputs`: the ``optimiser solve`` pipeline and its files.
"""
