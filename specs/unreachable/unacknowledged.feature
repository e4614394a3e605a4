Feature: Finished tasks not yet acknowledged on an agent that becomes unreachable
  A task that finished but whose framework has not acknowledged the update is still
  in the master's active map. When its agent is marked unreachable the framework is
  sent TASK_UNREACHABLE or TASK_LOST like for any other task, while the master keeps
  the task's terminal state (PartitionTest.AgentWithTerminalTaskPartitioned).

  # Rules D5, N4
  Scenario Outline: A finished task not yet acknowledged is still reported <sent> to <kind> "fw", while the master keeps it finished
    Given an agent "a1"
    And <kind> "fw"
    And "fw" runs task "t1" on agent "a1"
    And task "t1" has finished but "fw" has not acknowledged it
    When agent "a1" is partitioned from the master
    And 2m pass
    Then "fw" receives these updates:
      | task | state  | reason               | at  | unreachable time |
      | t1   | <sent> | REASON_AGENT_REMOVED | 90s | 90s              |
    And the master reports task "t1" as TASK_FINISHED

    Examples:
      | kind                        | sent             |
      | a partition-aware framework | TASK_UNREACHABLE |
      | a framework                 | TASK_LOST        |
