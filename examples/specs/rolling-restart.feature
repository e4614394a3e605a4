Feature: Rolling restarts of agents
  Restarting agents one after another, with their work directories kept, never
  marks them unreachable: each comes back within seconds and reregisters as the
  same agent, so checkpointing frameworks see nothing.

  Scenario: A rolling restart 30s apart keeps every agent registered
    Given agents "a1", "a2" and "a3"
    And a framework "spark"
    And "spark" runs a task on every agent
    When agents "a1", "a2" and "a3" restart one after another, 30s apart
    And 1m passes
    Then every agent is registered
    And "spark" never receives TASK_LOST
