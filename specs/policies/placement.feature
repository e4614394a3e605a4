Feature: Where a framework's launches go
  A launch goes to an agent with offers (registered, connected and active) that
  has room (fewer live tasks of any framework than its capacity, when it has one),
  with the fewest live tasks of the launching framework; ties go to the first host
  by name. A new copy of an instance avoids the agent of its previous copy while
  another agent qualifies. When no agent qualifies, the launch waits, as a launch
  waits for an offer.

  # Fewest tasks of the framework, ties by name: a1, a2, a3, then a1 and a2 again.
  Scenario: Instances spread over the agents, fewest tasks first, ties by name
    Given agents "a1", "a2" and "a3"
    And a partition-aware framework "cassandra"
    And "cassandra" runs 5 instances of "node"
    Then agent "a1" is still running task "node-4"
    And agent "a2" is still running task "node-5"
    And agent "a3" is still running task "node-3"
    And "cassandra" has 5 running tasks on the agents

  # Room for one task each: the fourth instance waits until an agent with room
  # registers, at 60s.
  Scenario: An instance waits for an agent with room
    Given agents "a1", "a2" and "a3"
    And every agent has room for 1 task
    And an agent "a4" that has not started yet
    And a partition-aware framework "cassandra"
    And "cassandra" runs 4 instances of "node"
    When the clock reaches 60s
    Then "cassandra" had 3 of 4 instances running from 0s on
    When agent "a4" registers
    Then agent "a4" is still running task "node-4"
    And "cassandra" had 4 of 4 instances running from 60s on

  # Room counts the tasks of every framework: "a1" is full with Spark's task.
  Scenario: Another framework's tasks take up an agent's room
    Given agents "a1", "a2" and "a3"
    And every agent has room for 1 task
    And a framework "spark"
    And "spark" runs task "s1" on agent "a1"
    And a partition-aware framework "cassandra"
    And "cassandra" runs 2 instances of "node"
    Then agent "a2" is still running task "node-1"
    And agent "a3" is still running task "node-2"

  # A broken connection deactivates the agent (rule B): it has no offers. The copy
  # of "exec-1" avoids "a1" and goes to "a2", though the empty "a3" has fewer tasks.
  Scenario: A disconnected agent gets no launches
    Given agents "a1", "a2" and "a3"
    And a framework "spark"
    And "spark" runs task "exec-1" on agent "a1"
    And "spark" runs task "exec-2" on agent "a2"
    And "spark" relaunches lost tasks
    When the master's connection to agent "a3" breaks
    And task "exec-1" fails
    Then "spark" replaced task "exec-1" on agent "a2" at 0s
