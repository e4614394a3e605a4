Feature: A framework that relaunches lost tasks, as Spark does
  Spark is not partition-aware. It reads TASK_LOST, TASK_UNREACHABLE, TASK_UNKNOWN,
  TASK_DROPPED, TASK_GONE and TASK_ERROR as lost, and runs the task again on the
  next offer. What the lost copy does meanwhile is up to Mesos: up to 1.4 Mesos
  kills it when its agent comes back, from 1.5 it keeps running beside its
  replacement, and Spark ignores it.

  Placement: the agent with offers and room with the fewest of the framework's live
  tasks, ties by name, and not the agent of the copy being replaced while another
  qualifies. So "exec-1" starts on "a1", "exec-2" on "a2", "exec-3" on "a3", and a
  copy of "exec-1" goes to "a2" (one task, like "a3"; "a2" comes first).

  Background:
    Given agents "a1", "a2" and "a3"
    And a framework "spark"
    And "spark" runs 3 instances of "exec"

  # The partition begins right after the ping at 0s: the master misses the pongs
  # of the pings at 15s to 75s and gives up at 90s (rules A2 to A4). Up to 1.0 it
  # removes the agent and sends TASK_LOST (rule E7); Spark relaunches at once.
  # The old copy runs on "a1" until the agent comes back and is told to shut down.
  Scenario: Up to Mesos 1.0 a relaunched task runs twice until its agent comes back and is shut down
    Given the master runs Mesos 1.0
    And "spark" relaunches lost tasks
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then "spark" receives TASK_LOST for task "exec-1" with reason REASON_AGENT_REMOVED at 90s
    And "spark" replaced task "exec-1" on agent "a2" at 90s
    And task "exec-1" began to run twice at once at 90s
    And agent "a1" is told to shut down with "Agent attempted to re-register after removal"
    And "spark" has 3 running tasks on the agents
    And "spark" has 3 running tasks as the master sees it

  # Rule D5: a framework that is not partition-aware gets TASK_LOST at 90s. Rule
  # E7 (1.1 to 1.4): the returning agent is told to shut down the framework, which
  # kills the old copy; Spark hears nothing.
  Scenario: In Mesos 1.4 the returning agent kills the lost copy, so the double run ends with the partition
    Given the master runs Mesos 1.4
    And "spark" relaunches lost tasks
    When agent "a1" is partitioned from the master for 100s
    And 2m pass
    Then "spark" receives TASK_LOST for task "exec-1" with reason REASON_AGENT_REMOVED at 90s
    And "spark" replaced task "exec-1" on agent "a2" at 90s
    And task "exec-1" began to run twice at once at 90s
    When agent "a1" reconnects
    Then agent "a1" runs no tasks
    And "spark" has 3 running tasks on the agents

  # Rule E3 (1.5 and later): nothing is killed, and Spark is told TASK_RUNNING with
  # REASON_AGENT_REREGISTERED, which it ignores. Two copies run for good.
  Scenario: From Mesos 1.5 a relaunching framework runs two copies of a task after the partition heals
    Given the master runs Mesos 1.12
    And "spark" relaunches lost tasks
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    And 1m passes
    Then "spark" replaced task "exec-1" on agent "a2" at 90s
    And task "exec-1" ran twice at once from 90s on
    And "spark" receives TASK_RUNNING for task "exec-1" with reason REASON_AGENT_REREGISTERED
    And agent "a1" is still running task "exec-1"
    And "spark" has 4 running tasks on the agents

  # The same, with a scheduler that kills what comes back (as Marathon does with
  # tasks it no longer knows): the TASK_RUNNING update gets the old copy killed.
  Scenario: Killing copies that come back ends the double run when the agent reregisters
    Given the master runs Mesos 1.12
    And "spark" relaunches lost tasks and kills copies that come back
    When agent "a1" is partitioned from the master for 100s
    And agent "a1" reconnects
    Then task "exec-1" is killed on agent "a1"
    And "spark" has 3 running tasks on the agents
    And "spark" has 3 running tasks as the master sees it

  # Nothing is lost within a blip shorter than detection (90s): no update, no relaunch.
  Scenario: A 60s blip goes unnoticed and nothing is relaunched
    Given the master runs Mesos 1.12
    And "spark" relaunches lost tasks
    When agent "a1" is partitioned from the master for 60s
    And 2m pass
    Then "spark" receives no updates
    And "spark" has not replaced task "exec-1"
    And "spark" had all its instances running throughout

  # A task that fails is relaunched at once, on another agent: "a2" has no live
  # task of Spark's now but ran the failed copy; "a1" and "a3" have one each.
  Scenario: A failed task is relaunched at once on another agent than the one it failed on
    Given "spark" relaunches lost tasks
    When task "exec-2" fails
    Then "spark" receives TASK_FAILED for task "exec-2"
    And "spark" replaced task "exec-2" on agent "a1" at 0s
    And "spark" has 3 running tasks on the agents

  # Every agent has room for one task. The host of "a1" dies at 10s: its copy is gone
  # at once (what the agents run), the master notices at 90s (rules A2 to A4,
  # TASK_LOST to a framework that is not partition-aware), and the relaunch waits
  # for room until "a4" registers at 120s.
  Scenario: A relaunch waits for an agent with room
    Given the master runs Mesos 1.4
    And every agent has room for 1 task
    And an agent "a4" that has not started yet
    And "spark" relaunches lost tasks
    When 10s pass
    And the host of agent "a1" dies
    And the clock reaches 120s
    And agent "a4" registers
    Then "spark" receives TASK_LOST for task "exec-1" at 90s
    And "spark" replaced task "exec-1" on agent "a4" at 120s
    And "spark" had 2 of 3 instances running from 10s to 120s
    And "spark" had 3 of 3 instances running from 120s on
