# MatchResult (from hotich.matching) and TrackingCase (from hotich.keying) moved to this app
# with their tables: on a database migrated before the move the tables exist already, and on a
# new one matching 0001 and keying 0001 create them; either way this migration only tells
# Django's state that the models are here now. matching 0002 and keying 0004 then drop them
# from those apps' state, also without touching the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('keying', '0003_entry_creation_token'),
        ('matching', '0001_initial'),
        ('places', '0001_initial'),
        ('registers', '0001_initial'),
        ('registry', '0002_blocking_keys'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MatchResult',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('outcome', models.CharField(choices=[('match', 'Tìm thấy, thông tin thống nhất'), ('discrepancy', 'Tìm thấy, thông tin chưa thống nhất'), ('not_found', 'Không tìm thấy'), ('review', 'Cần cán bộ quyết định')], max_length=12, verbose_name='kết quả')),
                        ('personal_id', models.CharField(blank=True, max_length=12, verbose_name='số định danh')),
                        ('score', models.FloatField(blank=True, null=True, verbose_name='xác suất trùng khớp')),
                        ('fields', models.JSONField(blank=True, default=list, verbose_name='trường khác nhau')),
                        ('candidates', models.JSONField(blank=True, default=list, verbose_name='ứng viên')),
                        ('model_version', models.PositiveIntegerField(default=0, verbose_name='phiên bản mô hình')),
                        ('path', models.CharField(choices=[('interactive', 'Tra cứu khi nhập'), ('batch', 'Đối chiếu hàng loạt'), ('officer', 'Cán bộ quyết định')], max_length=12, verbose_name='cách đối chiếu')),
                        ('decided_at', models.DateTimeField(auto_now=True, verbose_name='thời điểm')),
                        ('citizen', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.citizen')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người quyết định')),
                        ('person', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='match', to='registers.entryperson')),
                    ],
                    options={
                        'db_table': 'matching_matchresult',
                        'verbose_name': 'kết quả đối chiếu',
                        'verbose_name_plural': 'kết quả đối chiếu',
                        'indexes': [models.Index(fields=['outcome'], name='matching_ma_outcome_42039d_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='TrackingCase',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(max_length=20, verbose_name='vai trò')),
                        ('full_name', models.CharField(blank=True, max_length=200, verbose_name='họ tên như trong sổ')),
                        ('personal_id', models.CharField(blank=True, max_length=12, verbose_name='số định danh')),
                        ('fields', models.JSONField(default=list, verbose_name='trường khác nhau')),
                        ('status', models.CharField(choices=[('open', 'Đang theo dõi'), ('closed', 'Đã xử lý')], default='open', max_length=8, verbose_name='trạng thái')),
                        ('result', models.CharField(blank=True, choices=[('book_right', 'Sổ hộ tịch đúng'), ('registry_right', 'CSDL dân cư đúng'), ('both_wrong', 'Cả hai cần điều chỉnh')], max_length=16, verbose_name='kết quả xác minh')),
                        ('procedure', models.TextField(blank=True, verbose_name='thủ tục hướng dẫn công dân')),
                        ('note', models.TextField(blank=True, verbose_name='ghi chú')),
                        ('opened_at', models.DateTimeField(auto_now_add=True, verbose_name='ngày mở')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='ngày đóng')),
                        ('assignee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xử lý')),
                        ('citizen', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='registry.citizen')),
                        ('closed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('commune', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.administrativeunit')),
                        ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tracking_cases', to='registers.entry')),
                        ('opened_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tracking_cases', to='registers.entryperson')),
                    ],
                    options={
                        'db_table': 'keying_trackingcase',
                        'verbose_name': 'trường hợp theo dõi riêng',
                        'verbose_name_plural': 'danh sách theo dõi riêng',
                        'ordering': ['opened_at', 'id'],
                        'indexes': [models.Index(fields=['commune', 'status'], name='keying_trac_commune_9e0ea5_idx')],
                        'constraints': [models.UniqueConstraint(fields=('entry', 'role'), name='one_case_per_person')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
