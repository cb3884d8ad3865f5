# Homework is agreed, never assigned: the link between a homework and its exercise
# is renamed in place (RenameModel renames the table), so every row is kept.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('exercises', '0001_initial'),
    ]

    operations = [
        migrations.RenameModel(old_name='ExerciseAssignment', new_name='HomeworkExercise'),
        migrations.AlterField(
            model_name='homeworkexercise',
            name='exercise',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='homework_exercises', to='exercises.exercise'),
        ),
        migrations.AlterField(
            model_name='homeworkexercise',
            name='homework',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='homework_exercise', to='homework.homework'),
        ),
    ]
