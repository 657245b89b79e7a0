# Prepares a freshly installed Debian Redmine for ssdf's Redmine adapter
# tests (run by .ci/redmine with `rails runner`): the REST API on, an
# "Approved" open status that every role may move issues to and from (the
# state audit-exceptions-tracked reads as approved), a role with issue
# permissions but no workflow at all (so a test can see Redmine ignore a
# status change), and the admin's API key printed on the last line.
# Idempotent: a second run changes nothing.
Setting.rest_api_enabled = '1'

approved = IssueStatus.find_by(name: 'Approved') ||
  IssueStatus.create!(name: 'Approved', is_closed: false)

# Redmine lets a user move an issue only along its roles' workflow
# transitions (an admin gets every role's); open every transition between
# every pair of statuses, for every role and tracker, so the tests can
# close, reopen and approve.
NO_WORKFLOW = 'ssdf-test-no-workflow'
statuses = IssueStatus.all.to_a
Role.givable.where.not(name: NO_WORKFLOW).each do |role|
  Tracker.all.each do |tracker|
    statuses.each do |from|
      statuses.each do |to|
        next if from == to
        WorkflowTransition.find_or_create_by!(role_id: role.id, tracker_id: tracker.id,
                                              old_status_id: from.id, new_status_id: to.id)
      end
    end
  end
end

stuck = Role.find_by(name: NO_WORKFLOW) ||
  Role.create!(name: NO_WORKFLOW, assignable: true,
               permissions: [:view_issues, :add_issues, :edit_issues, :add_issue_notes])
WorkflowTransition.where(role_id: stuck.id).delete_all

raise 'no trackers: default data not loaded' if Tracker.count == 0
raise 'Approved status not created' unless approved.persisted?
puts User.find_by!(login: 'admin').api_key
